/*
 * syscall/memory.c - the memory system calls: brk, mmap, munmap, mprotect, madvise.
 *
 * Argument checking follows Linux's order (do_mmap) so programs see the same errno.
 * Anonymous shared memory is created at mmap time, so that fork shares its frames.
 * File mappings map the file's page cache (mm/fault.c): nothing is read at mmap
 * time, and the region keeps the open file (hence the file) alive after close().
 * /dev/zero maps anonymous memory, as in Linux.
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
/* The flags every kernel knew before MAP_SHARED_VALIDATE: it refuses any other. */
#define LEGACY_MAP_MASK		(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
				 MAP_DENYWRITE | MAP_EXECUTABLE | 0x4000000 /* UNINITIALIZED */ | \
				 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
				 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)
#define MAX_FILE_OFFSET		INT64_MAX	/* Linux's MAX_LFS_FILESIZE */

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

/*
 * What a mapping of type (MAP_SHARED...) of file may be: the checks Linux makes
 * after placing it. *backing and *may_write as file_mmap_check gives them.
 */
static int check_file_mapping(struct file *file, unsigned type, unsigned flags, unsigned prot,
			      struct mm_backing **backing, bool *may_write)
{
	int error;

	switch (type) {
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		/* fall through */
	case MAP_SHARED:
		error = file_mmap_check(file, prot, true, backing, may_write);
		break;
	case MAP_PRIVATE:
		error = file_mmap_check(file, prot, false, backing, may_write);
		break;
	default:
		return -EINVAL;
	}
	if (!error && (flags & MAP_GROWSDOWN))
		error = -EINVAL;
	return error;
}

static long do_mmap(uint64_t hint, uint64_t length, unsigned prot, unsigned flags,
		    struct file *file, uint64_t offset)
{
	struct mm *mm = current_proc()->mm;
	unsigned type = flags & MAP_TYPE;
	uint64_t pgoff = offset >> PAGE_SHIFT;
	struct mm_backing *backing = NULL;
	bool may_write = true;
	int error;

	if (length == 0)
		return -EINVAL;
	if (page_up(length) < length || page_up(length) > USER_TOP)
		return -ENOMEM;
	length = page_up(length);
	/* A regular file's pages end at MAX_FILE_OFFSET (Linux's file_mmap_ok). */
	if (file && file_backing(file) &&
	    (length > MAX_FILE_OFFSET || pgoff > (MAX_FILE_OFFSET - length) >> PAGE_SHIFT))
		return -EOVERFLOW;
	uint64_t address = place(mm, hint, length, flags, &error);
	if (error)
		return error;
	if (file) {
		error = check_file_mapping(file, type, flags, prot, &backing, &may_write);
		if (error)
			return error;
	} else if (type == MAP_SHARED) {
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;
	} else if (type != MAP_PRIVATE) {
		return -EINVAL;
	}
	bool shared = type != MAP_PRIVATE;
	unsigned vma_flags = (shared ? VMA_SHARED : 0) | (flags & MAP_NORESERVE ? VMA_NORESERVE : 0);
	if (flags & MAP_GROWSDOWN)
		vma_flags |= VMA_GROWSDOWN;
	if (!may_write)
		vma_flags |= VMA_NOWRITE;
	error = mm_map_file(mm, address, length, prot, vma_flags, backing, pgoff);
	/* Shared anonymous memory must exist before a fork can share it. */
	if (!error && ((shared && !backing) || (flags & MAP_POPULATE)))
		error = mm_populate(mm, address, length);
	if (error) {
		mm_unmap(mm, address, length);
		return error;
	}
	return address;
}

SYSCALL_DEFINE6(mmap, uint64_t, hint, uint64_t, length, unsigned, prot, unsigned, flags,
		int, fd, uint64_t, offset)
{
	struct file *file = NULL;

	if (offset & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fd_mmap_file(current_proc()->files, fd);
		if (!file)
			return -EBADF;
	}
	/* Linux ignores protection bits it does not know (PROT_SEM...) here. */
	long result = do_mmap(hint, length, prot & (PROT_READ | PROT_WRITE | PROT_EXEC), flags,
			      file, offset);
	if (file)
		file_put(file);
	return result;
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
