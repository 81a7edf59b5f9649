/*
 * mm/uaccess.c - copying between the kernel and user memory.
 *
 * The range check here keeps every access inside user space; the fault-tolerant
 * routines in arch/x86_64/uaccess.S stop at a page that cannot be made accessible;
 * SMAP is open only for the duration of each routine.
 */
#include "mm/internal.h"
#include "mm/uaccess.h"
#include "mm/frame.h"

int copy_from_user(void *dst, const void *user_src, size_t size)
{
	if (!user_range_ok((uint64_t)user_src, size))
		return -EFAULT;
	user_access_begin();
	size_t left = arch_user_copy(dst, user_src, size);
	user_access_end();
	return left ? -EFAULT : 0;
}

int copy_to_user(void *user_dst, const void *src, size_t size)
{
	if (!user_range_ok((uint64_t)user_dst, size))
		return -EFAULT;
	user_access_begin();
	size_t left = arch_user_copy(user_dst, src, size);
	user_access_end();
	return left ? -EFAULT : 0;
}

int clear_user(void *user_dst, size_t size)
{
	if (!user_range_ok((uint64_t)user_dst, size))
		return -EFAULT;
	user_access_begin();
	size_t left = arch_user_clear(user_dst, size);
	user_access_end();
	return left ? -EFAULT : 0;
}

/*
 * Copy page by page: a string may end just before an unmapped page, so never read
 * past the page holding the terminator.
 */
long strncpy_from_user(char *dst, const char *user_src, size_t max)
{
	uint64_t address = (uint64_t)user_src;
	size_t done = 0;

	while (done < max) {
		size_t chunk = PAGE_SIZE - ((address + done) & (PAGE_SIZE - 1));
		if (chunk > max - done)
			chunk = max - done;
		if (copy_from_user(dst + done, user_src + done, chunk))
			return -EFAULT;
		const char *end = memchr(dst + done, '\0', chunk);
		if (end)
			return end - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}
