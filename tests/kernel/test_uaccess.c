/*
 * tests/kernel/test_uaccess.c - the user-access layer on a real address space: faults
 * resolved on the way, bad pointers turned into -EFAULT through the exception table,
 * SMAP closed again afterwards, and kernel writes stopped by read-only pages (CR0.WP).
 */
#include <stddef.h>
#include "init/selftest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "lib/errno.h"
#include "lib/string.h"

void proc_traps_init(void);

#define AT 0x400000ul

/* Run body with a throwaway process whose address space is mm, then restore. */
struct fake_process {
	struct proc proc;
	void *saved_current;
	uint64_t saved_root;
};

static void enter_fake(struct fake_process *fake, struct mm *mm)
{
	memset(&fake->proc, 0, sizeof(fake->proc));
	fake->proc.task.mm = mm;
	fake->saved_current = this_cpu()->current;
	fake->saved_root = read_cr3();
	this_cpu()->current = &fake->proc;
	proc_traps_init();
	mm_activate(mm);
}

static void leave_fake(struct fake_process *fake)
{
	write_cr3(fake->saved_root);
	this_cpu()->current = fake->saved_current;
}

SELFTEST(uaccess_copies_and_faults)
{
	struct mm *mm = mm_create();
	struct fake_process fake;
	char buffer[64];

	EXPECT(mm != NULL);
	if (!mm)
		return;
	mm_map(mm, AT, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	mm_map(mm, AT + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0);
	enter_fake(&fake, mm);

	/* Demand-zero pages appear under a kernel copy, as under a user access. */
	EXPECT(copy_to_user((void *)AT, "hello", 6) == 0);
	EXPECT(copy_from_user(buffer, (void *)AT, 6) == 0 && strcmp(buffer, "hello") == 0);
	EXPECT(mm->resident_pages == 1);
	/* Unmapped, kernel, non-canonical and wrapping addresses. */
	EXPECT(copy_to_user((void *)(AT + 3 * PAGE_SIZE), "x", 1) == -EFAULT);
	EXPECT(copy_from_user(buffer, (void *)KERNEL_VIRT_BASE, 8) == -EFAULT);
	EXPECT(copy_from_user(buffer, (void *)0x0000800000000000ul, 8) == -EFAULT);
	EXPECT(copy_from_user(buffer, (void *)(USER_TOP - 4), 8) == -EFAULT);
	EXPECT(copy_from_user(buffer, (void *)UINT64_MAX, 2) == -EFAULT);
	/* A read-only page refuses kernel writes (CR0.WP), but can be read. */
	EXPECT(copy_to_user((void *)(AT + 2 * PAGE_SIZE), "x", 1) == -EFAULT);
	EXPECT(copy_from_user(buffer, (void *)(AT + 2 * PAGE_SIZE), 8) == 0);
	/* A buffer straddling the end of the mappings. */
	EXPECT(copy_from_user(buffer, (void *)(AT + 3 * PAGE_SIZE - 4), 8) == -EFAULT);
	/* A string ending right before an unmapped page is fine; one running into it is not. */
	EXPECT(copy_to_user((void *)(AT + 2 * PAGE_SIZE - 3), "ab", 3) == 0);
	EXPECT(strncpy_from_user(buffer, (void *)(AT + 2 * PAGE_SIZE - 3), sizeof(buffer)) == 2);
	EXPECT(clear_user((void *)AT, 16) == 0);
	EXPECT(strncpy_from_user(buffer, (void *)AT, sizeof(buffer)) == 0);
	EXPECT(clear_user((void *)(AT + 3 * PAGE_SIZE), 1) == -EFAULT);
	/* SMAP is closed again after every routine, faulted or not. */
	EXPECT(!(read_rflags() & RFLAGS_AC));

	leave_fake(&fake);
	mm_put(mm);
}

SELFTEST(uaccess_name_too_long)
{
	struct mm *mm = mm_create();
	struct fake_process fake;
	char buffer[8];

	if (!mm)
		return;
	mm_map(mm, AT, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	enter_fake(&fake, mm);
	EXPECT(copy_to_user((void *)AT, "0123456789", 11) == 0);
	EXPECT(strncpy_from_user(buffer, (void *)AT, sizeof(buffer)) == -ENAMETOOLONG);
	leave_fake(&fake);
	mm_put(mm);
}
