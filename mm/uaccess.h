/*
 * mm/uaccess.h - the only way the kernel touches user memory.
 *
 * Every function checks that the whole range lies in user space (below USER_TOP,
 * without wrapping), opens SMAP for exactly its own copy, and turns a fault on a user
 * address that the process's address space cannot satisfy into -EFAULT. A fault it
 * can satisfy (demand paging, copy-on-write) is handled on the way, just as if the
 * program itself had touched the page, so kernel writes honour copy-on-write.
 */
#ifndef CALF_MM_UACCESS_H
#define CALF_MM_UACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* First address above user space (Linux's TASK_SIZE on x86-64 with 4-level paging). */
#define USER_TOP 0x00007ffffffff000ul

/* Is [addr, addr + size) entirely inside user space? */
static inline bool user_range_ok(uint64_t addr, size_t size)
{
	return addr <= USER_TOP && size <= USER_TOP - addr;
}

/* 0, or -EFAULT (then an unspecified prefix may have been copied). */
int copy_from_user(void *dst, const void *user_src, size_t size);
int copy_to_user(void *user_dst, const void *src, size_t size);
int clear_user(void *user_dst, size_t size);

/*
 * Copy a NUL-terminated string of at most max-1 characters. Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL comes within max bytes.
 */
long strncpy_from_user(char *dst, const char *user_src, size_t max);

/* Single values, for the common case of one integer or pointer. */
#define get_user(kvar, uptr) copy_from_user(&(kvar), (uptr), sizeof(kvar))
#define put_user(kval, uptr) ({ __typeof__(*(uptr)) value__ = (kval); \
				copy_to_user((uptr), &value__, sizeof(value__)); })

#endif
