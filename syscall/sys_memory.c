/*
 * syscall/sys_memory.c - the memory system calls: brk, mmap, munmap, mprotect,
 * madvise, mincore, msync, mlock, munlock. They live in syscall/ because they need
 * several layers at once: mm (the regions), fs (the files mapped) and proc (the
 * caller's address space and limits).
 *
 * Argument checking follows Linux's order (do_mmap) so programs see the same errno.
 * Anonymous shared memory is created at mmap time, so that fork shares its frames.
 * File mappings map the file's page cache (mm/fault.c): nothing is read at mmap
 * time, and the region keeps the open file (hence the file) alive after close().
 * /dev/zero maps anonymous memory, as in Linux.
 */
#include "kernel/kernel_lock.h"
#include "kernel/syscall.h"
#include "fs/fs.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/limits.h"
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
	return mm_brk(current_proc()->task.mm, address);
}

/*
 * Choose where a new mapping of length bytes (page-aligned, nonzero) goes: 0 with
 * *error set when impossible. Linux's get_unmapped_area: a fixed address must fit
 * below the top of user space (ENOMEM), be page-aligned (EINVAL) and not lie below
 * vm.mmap_min_addr unless the caller is root (EPERM, CAP_SYS_RAWIO's exemption).
 */
static uint64_t place(struct mm *mm, uint64_t hint, uint64_t length, unsigned flags, int *error)
{
	*error = 0;
	if (length > USER_TOP) {
		*error = -ENOMEM;
		return 0;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (hint > USER_TOP - length)
			*error = -ENOMEM;
		else if (hint & ~PAGE_MASK)
			*error = -EINVAL;
		else if (hint < MM_MIN_ADDRESS && current_proc()->task.cred.euid != 0)
			*error = -EPERM;
		return *error ? 0 : hint;
	}
	uint64_t address = mm_find_free(mm, hint, length);
	if (!address)
		*error = -ENOMEM;
	return address;
}

/* Does any region intersect [start, end)? */
static bool range_used(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *vma = mm_find_vma_from(mm, start);

	return vma && vma->start < end;
}

/*
 * Walk [start, end) region by region from start: the end of the part mapped without
 * a hole (end itself when there is none). With writable, a region that may never be
 * writable also ends the walk (*nowrite set).
 */
static uint64_t mapped_prefix(struct mm *mm, uint64_t start, uint64_t end, bool writable,
			      bool *nowrite)
{
	uint64_t at = start;

	*nowrite = false;
	while (at < end) {
		struct vma *vma = mm_find_vma(mm, at);
		if (!vma)
			break;
		if (writable && (vma->flags & VMA_NOWRITE)) {
			*nowrite = true;
			break;
		}
		at = vma->end;
	}
	return at < end ? at : end;
}

static bool range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	bool nowrite;

	return mapped_prefix(mm, start, end, false, &nowrite) == end;
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
	struct mm *mm = current_proc()->task.mm;
	unsigned type = flags & MAP_TYPE;
	uint64_t pgoff = offset >> PAGE_SHIFT;
	struct mm_backing *backing = NULL;
	bool may_write = true;
	int error;

	/* Linux's order (do_mmap): the length, the place, an occupied fixed place,
	 * then what the file allows. */
	if (length == 0)
		return -EINVAL;
	if (page_up(length) < length)
		return -ENOMEM;
	length = page_up(length);
	uint64_t address = place(mm, hint, length, flags, &error);
	if (error)
		return error;
	if ((flags & MAP_FIXED_NOREPLACE) && range_used(mm, address, address + length))
		return -EEXIST;
	if (file) {
		/* A regular file's pages end at MAX_FILE_OFFSET (Linux's file_mmap_ok). */
		if (file_backing(file) &&
		    (length > MAX_FILE_OFFSET || pgoff > (MAX_FILE_OFFSET - length) >> PAGE_SHIFT))
			return -EOVERFLOW;
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
	/* Shared anonymous memory must exist before a fork can share it: its pages are
	 * made through a readable mapping, which then gets the protection asked for
	 * (PROT_NONE included). */
	bool make_pages = shared && !backing;
	error = mm_map_file(mm, address, length, make_pages ? prot | PROT_READ : prot, vma_flags,
			    backing, pgoff);
	if (!error && make_pages)
		error = mm_populate(mm, address, length);
	if (!error && make_pages && !(prot & PROT_READ))
		error = mm_protect(mm, address, length, prot);
	if (error) {
		mm_unmap(mm, address, length);
		return error;
	}
	/* MAP_POPULATE prefaults, and Linux ignores its failures; but prefaulting that
	 * finds no frame is a fault without memory, and costs the process its life,
	 * as it would on first touch: otherwise it would keep all of memory (with
	 * MAP_NORESERVE, any length passes mmap's check) and others would die. */
	if ((flags & MAP_POPULATE) && (!shared || backing) &&
	    mm_populate(mm, address, length) == -ENOMEM)
		proc_out_of_memory();
	return address;
}

SYSCALL_DEFINE6(mmap, uint64_t, hint, uint64_t, length, unsigned, prot, unsigned, flags,
		int, fd, uint64_t, offset)
{
	struct file *file = NULL;

	if (offset & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fd_mmap_file(current_proc()->task.files, fd);
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

/* Linux's checks (__do_munmap): the unrounded length must fit above address. */
SYSCALL_DEFINE2(munmap, uint64_t, address, uint64_t, length)
{
	if ((address & ~PAGE_MASK) || address > USER_TOP || length > USER_TOP - address ||
	    length == 0)
		return -EINVAL;
	return mm_unmap(current_proc()->task.mm, address, length);
}

#define PROT_SEM	0x08
#define PROT_GROWSDOWN	0x01000000
#define PROT_GROWSUP	0x02000000

/*
 * Linux's order (do_mprotect_pkey): both grow flags, alignment, an empty range
 * (success, whatever prot says), a range that wraps, unknown bits. Then, as in
 * Linux, the regions from address on change one after the other until a hole
 * (ENOMEM) or a region that may never be writable (EACCES) stops the walk: what
 * came before keeps its new protection.
 */
SYSCALL_DEFINE3(mprotect, uint64_t, address, uint64_t, length, unsigned, prot)
{
	struct mm *mm = current_proc()->task.mm;
	unsigned grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	uint64_t end;
	bool nowrite;

	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (address & ~PAGE_MASK)
		return -EINVAL;
	if (length == 0)
		return 0;
	end = address + page_up(length);
	if (end <= address)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;

	struct vma *vma = mm_find_vma_from(mm, address);
	if (!vma)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		/* From the start of a stack-like region: address may lie below it. */
		if (vma->start >= end)
			return -ENOMEM;
		if (!(vma->flags & VMA_GROWSDOWN))
			return -EINVAL;
		address = vma->start;
	} else {
		if (vma->start > address)
			return -ENOMEM;
		if (grows & PROT_GROWSUP)
			return -EINVAL;	/* no region grows up on x86-64 */
	}
	uint64_t stop = mapped_prefix(mm, address, end, prot & PROT_WRITE, &nowrite);
	int error = stop > address ? mm_protect(mm, address, stop - address, prot) : 0;
	if (!error && stop < end)
		error = nowrite ? -EACCES : -ENOMEM;
	return error;
}


/*
 * Linux's order (do_madvise): the advice, alignment, a length that rounds up to
 * zero or wraps; an empty range is done. Any advice on a range with holes fails
 * with ENOMEM, after acting on the mapped parts.
 */
SYSCALL_DEFINE3(madvise, uint64_t, address, uint64_t, length, int, advice)
{
	struct mm *mm = current_proc()->task.mm;
	uint64_t end;

	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
		break;
	default:
		return -EINVAL;
	}
	if (address & ~PAGE_MASK)
		return -EINVAL;
	if (length && !page_up(length))
		return -EINVAL;
	end = address + page_up(length);
	if (end < address)
		return -EINVAL;
	if (end == address)
		return 0;
	/* Without the kernel lock (allocators in threads discard all the time), when
	 * mm/ can: a discard changes no region. The other advice reads regions,
	 * which only the kernel lock keeps still for a reader without theirs. */
	bool locked = kernel_lock_held();
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		if (locked)
			return mm_discard(mm, address, end - address);
		int error = mm_discard_fast(mm, address, end - address);
		return error == -EAGAIN ? -EKERNELLOCK : error;
	}
	if (!locked)
		return -EKERNELLOCK;
	return range_mapped(mm, address, end) ? 0 : -ENOMEM;
}
SYSCALL_WITHOUT_KERNEL_LOCK(madvise);

/*
 * mincore: a byte per page of [address, address + length), 1 when the page is in
 * memory (mm/residency.c says what that means in calf). Linux's order: alignment
 * (EINVAL), the range inside user space (ENOMEM), vec's bytes inside user space
 * (EFAULT); an empty range is done. Then, like Linux, region by region and at most
 * a page of vec at a time, each part copied out before the next is looked at: a
 * hole further on fails with ENOMEM after vec was filled up to it, and a vec that
 * is not writable fails with EFAULT.
 */
SYSCALL_DEFINE3(mincore, uint64_t, address, uint64_t, length, unsigned char *, vec)
{
	struct mm *mm = current_proc()->task.mm;
	uint64_t pages = length / PAGE_SIZE + (length % PAGE_SIZE != 0);
	unsigned char *part;
	long result = 0;

	if (address & ~PAGE_MASK)
		return -EINVAL;
	if (!user_range_ok(address, length))
		return -ENOMEM;
	if (!user_range_ok((uint64_t)vec, pages))
		return -EFAULT;
	if (pages == 0)
		return 0;
	part = kmalloc(PAGE_SIZE);
	if (!part)
		return -EAGAIN;	/* Linux's answer when it has no page for the parts */
	while (pages > 0) {
		result = mm_residency(mm, address, pages < PAGE_SIZE ? pages : PAGE_SIZE, part,
				      file_backing_resident);
		if (result < 0)
			break;
		if (copy_to_user(vec, part, result)) {
			result = -EFAULT;
			break;
		}
		pages -= result;
		vec += result;
		address += result * PAGE_SIZE;
		result = 0;
	}
	kfree(part);
	return result;
}

#define MS_ASYNC	1
#define MS_INVALIDATE	2
#define MS_SYNC		4

/* Memory is the only storage: nothing to write back, but the range must be mapped. */
SYSCALL_DEFINE3(msync, uint64_t, address, uint64_t, length, int, flags)
{
	uint64_t end;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (address & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	end = address + page_up(length);
	if (end < address)
		return -ENOMEM;
	if (end == address)
		return 0;
	return range_mapped(current_proc()->task.mm, address, end) ? 0 : -ENOMEM;
}

/*
 * Nothing is ever paged out, so locking only checks what Linux checks: the locked
 * memory limit for an ordinary user (EPERM when it is zero, ENOMEM when the request
 * is above it: calf keeps no count of locked pages, so only this request counts),
 * then the range: it may not wrap (EINVAL) and must be mapped without holes (ENOMEM).
 */
static long lock_range(uint64_t address, uint64_t length, bool lock)
{
	struct proc *proc = current_proc();
	uint64_t start = address & PAGE_MASK;

	length = page_up(length + (address & ~PAGE_MASK));
	if (lock && proc->task.cred.euid != 0) {
		uint64_t limit = proc->limits[RLIMIT_MEMLOCK].current;
		if (limit == 0)
			return -EPERM;
		if (length >> PAGE_SHIFT > limit >> PAGE_SHIFT)
			return -ENOMEM;
	}
	if (start + length < start)
		return -EINVAL;
	if (length == 0)
		return 0;
	return range_mapped(proc->task.mm, start, start + length) ? 0 : -ENOMEM;
}

SYSCALL_DEFINE2(mlock, uint64_t, address, uint64_t, length)
{
	return lock_range(address, length, true);
}

SYSCALL_DEFINE2(munlock, uint64_t, address, uint64_t, length)
{
	return lock_range(address, length, false);
}
