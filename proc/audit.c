/*
 * proc/audit.c - mm_audit (mm/audit.c) over every process's address space.
 *
 * On demand, when /proc/sys/vm/mm_audit is read; and with `mm_audit` on the kernel
 * command line, after every process exit and when init ends, so a test run finds
 * a broken invariant at the exit right after the bug rather than as a corruption
 * later. A violation is a kernel bug: it panics with the audit's report.
 */
#include "proc/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "lib/format.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

bool mm_audit_on_exit;

/* Allocated once, the first time, so that an audit can run when memory is gone. */
static uint32_t *workspace;
static struct mm **address_spaces;

static bool have_workspace(void)
{
	if (!workspace)
		workspace = kmalloc(frames_pfn_count() * sizeof(*workspace));
	if (!address_spaces)
		address_spaces = kmalloc(PROC_MAX * sizeof(*address_spaces));
	return workspace && address_spaces;
}

void proc_audit_init(void)
{
	if (mm_audit_on_exit && !have_workspace())
		panic("mm_audit: no memory for the audit's workspace");
}

/* Every live address space once (vfork's parent and child share one). */
static size_t collect_address_spaces(struct mm **mms, size_t max)
{
	struct list_node *node;
	size_t count = 0;

	list_for_each(node, &all_procs) {
		struct mm *mm = list_entry(node, struct proc, all_link)->task.mm;
		bool seen = !mm;
		for (size_t i = 0; i < count && !seen; i++)
			seen = mms[i] == mm;
		if (!seen && count < max)
			mms[count++] = mm;
	}
	return count;
}

long proc_mm_audit(char *report, size_t size, const char *when)
{
	if (!have_workspace())
		return snprintf(report, size, "not run: no memory for the audit's workspace\n");
	uint64_t flags = irq_save();
	size_t count = collect_address_spaces(address_spaces, PROC_MAX);
	int result = mm_audit(address_spaces, count, workspace, report, size);
	irq_restore(flags);
	if (result)
		panic("mm_audit %s: %s", when, report);
	size_t length = strlen(report);
	if (length + 1 < size) {
		report[length++] = '\n';
		report[length] = '\0';
	}
	return length;
}
