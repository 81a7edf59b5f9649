/*
 * syscall/memory.c - the memory system calls: brk, mmap, munmap, mprotect, madvise.
 *
 * Argument checking follows Linux's order so programs see the same errno. Anonymous
 * shared memory is created at mmap time, so that fork shares its frames; file
 * mappings wait for the page cache (copy-on-write issue), except private read-mostly
 * ones, which are copied in.
 */
#include "syscall/syscall.h"
#include "fs/fs.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/proc.h"

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_GROWSDOWN		0x0100
#define MAP_DENYWRITE		0x0800
#define MAP_EXECUTABLE		0x1000
#define MAP_LOCKED		0x2000
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_NONBLOCK		0x10000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_FIXED_NOREPLACE	0x100000

#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	8

static uint64_t page_up(uint64_t a) { return (a + PAGE_SIZE - 1) & PAGE_MASK; }

SYSCALL_DEFINE1(brk, uint64_t, address)
{
	return mm_brk(current_proc()->mm, address);
}

/* Choose where a new mapping goes: 0 with *error set when impossible. */
static uint64_t place(struct mm *mm, uint64_t hint, uint64_t length, unsigned flags, int *error)
{
	*error = 0;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (hint & ~PAGE_MASK) {
			*error = -EINVAL;
			return 0;
		}
		if (hint + length < hint || hint + length > USER_TOP || hint < MM_MIN_ADDRESS) {
			*error = hint < MM_MIN_ADDRESS ? -EPERM : -ENOMEM;
			return 0;
		}
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED)) {
			for (uint64_t at = hint; at < hint + length; at += PAGE_SIZE)
				if (mm_find_vma(mm, at)) {
					*error = -EEXIST;
					return 0;
				}
		}
		return hint;
	}
	uint64_t address = mm_find_free(mm, hint, length);
	if (!address)
		*error = -ENOMEM;
	return address;
}

/* Fill a private file mapping with the file's bytes (zeros past the end). */
static int copy_file_in(struct mm *mm, uint64_t address, uint64_t length, int fd, uint64_t offset)
{
	uint8_t *bounce = NULL;
	struct inode *inode = fd_inode(current_proc()->files, fd);
	int error = inode ? 0 : -EBADF;

	if (!error && !(bounce = kmalloc(PAGE_SIZE)))
		error = -ENOMEM;
	for (uint64_t done = 0; !error && done < length; done += PAGE_SIZE) {
		long got = inode_read(inode, bounce, PAGE_SIZE, offset + done);
		if (got <= 0)
			break;
		error = mm_copy_in(mm, address + done, bounce, got);
	}
	kfree(bounce);
	return error;
}

SYSCALL_DEFINE6(mmap, uint64_t, hint, uint64_t, length, unsigned, prot, unsigned, flags,
		int, fd, uint64_t, offset)
{
	struct mm *mm = current_proc()->mm;
	unsigned type = flags & MAP_TYPE;
	int error;

	if (offset & ~PAGE_MASK)
		return -EINVAL;
	if (length == 0 || page_up(length) < length || page_up(length) > USER_TOP)
		return length == 0 ? -EINVAL : -ENOMEM;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	bool anonymous = flags & MAP_ANONYMOUS;
	if (!anonymous) {
		int check = fd_check_mappable(current_proc()->files, fd, prot, type != MAP_PRIVATE);
		if (check)
			return check;
		if (type != MAP_PRIVATE)
			return -ENODEV;	/* shared file mappings need the page cache */
	}
	length = page_up(length);
	uint64_t address = place(mm, hint, length, flags, &error);
	if (error)
		return error;
	unsigned vma_flags = type != MAP_PRIVATE ? VMA_SHARED : 0;
	if (flags & MAP_GROWSDOWN)
		vma_flags |= VMA_GROWSDOWN;
	error = mm_map(mm, address, length, prot, vma_flags);
	if (!error && !anonymous)
		error = copy_file_in(mm, address, length, fd, offset);
	/* Shared anonymous memory must exist before a fork can share it. */
	if (!error && (type != MAP_PRIVATE || (flags & MAP_POPULATE)))
		error = mm_populate(mm, address, length);
	if (error) {
		mm_unmap(mm, address, length);
		return error;
	}
	return address;
}

SYSCALL_DEFINE2(munmap, uint64_t, address, uint64_t, length)
{
	if ((address & ~PAGE_MASK) || length == 0 || address >= USER_TOP ||
	    page_up(length) > USER_TOP - address)
		return -EINVAL;
	return mm_unmap(current_proc()->mm, address, length);
}

SYSCALL_DEFINE3(mprotect, uint64_t, address, uint64_t, length, unsigned, prot)
{
	if (address & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000))
		return -EINVAL;
	if (page_up(length) < length || address + page_up(length) < address)
		return -ENOMEM;
	return mm_protect(current_proc()->mm, address, length, prot & 7);
}

SYSCALL_DEFINE3(madvise, uint64_t, address, uint64_t, length, int, advice)
{
	struct mm *mm = current_proc()->mm;

	if (address & ~PAGE_MASK)
		return -EINVAL;
	if (page_up(length) < length || address + page_up(length) < address)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
		return 0;
	case MADV_DONTNEED:
	case MADV_FREE:
		return mm_discard(mm, address, page_up(length));
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(msync, uint64_t, address, uint64_t, length, int, flags)
{
	(void)length;
	if ((address & ~PAGE_MASK) || (flags & ~7))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(mlock, uint64_t, address, uint64_t, length) { (void)address; (void)length; return 0; }
SYSCALL_DEFINE2(munlock, uint64_t, address, uint64_t, length) { (void)address; (void)length; return 0; }
