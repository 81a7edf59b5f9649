/*
 * cow_evidence.c - physical evidence that fork shares memory (calf only: it reads
 * calf's counters in /proc/vmstat and its mode in /proc/sys/vm/fork_mode).
 *
 * tests/guest/cow.sh runs it under each fork mode. Logical tests (tests/progs/
 * forksem.c) show what a program sees; these show what the machine did: how much
 * memory fork took, how many pages the copy-on-write faults copied, and that all
 * of it came back.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../progs/util.h"
#include "../../user/vmstat.h"

#define PAGE 4096
#define MIB 64
#define PAGES (MIB * 256)
#define WRITTEN 100		/* pages the child writes */

static void signal_other(int fd) { if (write(fd, "x", 1) != 1) _exit(3); }
static void wait_other(int fd) { char b; if (read(fd, &b, 1) != 1) _exit(3); }

/* Two snapshots: the first warms up the pages a snapshot writes, so the second
 * (returned) counts nothing of the measuring itself. */
static void settled_snapshot(struct vm_snapshot *s)
{
	vm_snapshot(s);
	vm_snapshot(s);
}

static void child(char *memory, int up, int down)
{
	signal_other(up);
	wait_other(down);
	for (int i = 0; i < WRITTEN; i++)
		memory[i * PAGE] = 'c';
	signal_other(up);
	wait_other(down);
	pid_t grandchild = fork();
	if (grandchild == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(grandchild, NULL, 0);
	signal_other(up);
	wait_other(down);
	_exit(memory[0] == 'c' && memory[WRITTEN * PAGE] == 'p' ? 0 : 1);
}

int main(void)
{
	struct vm_snapshot start, filled, forked, before_write, written, execd, exited, rewritten, end;
	int up[2], down[2];
	/* sharedpt defers even more than cow; for most figures it is cow. */
	int cow = strcmp(vm_fork_mode(), "copy") != 0;
	int sharedpt = strcmp(vm_fork_mode(), "sharedpt") == 0;

	plan(9);
	xpipe(up);
	xpipe(down);
	settled_snapshot(&start);
	char *memory = mmap(NULL, PAGES * (size_t)PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		bail("mmap of %d MiB failed", MIB);
	for (int i = 0; i < PAGES; i++)
		memory[i * PAGE] = 'p';
	settled_snapshot(&filled);

	pid_t pid = xfork();
	if (pid == 0)
		child(memory, up[1], down[0]);
	wait_other(up[0]);
	settled_snapshot(&forked);
	long fork_cost_kb = filled.mem_free_kb - forked.mem_free_kb;
	diag("fork took %ld kB for %d MiB resident (%s)", fork_cost_kb, MIB, vm_fork_mode());
	if (cow)
		ok(fork_cost_kb < MIB * 1024 / 8, "cow: fork of 64 MiB takes far less than 64 MiB");
	else
		ok(fork_cost_kb >= MIB * 1024, "copy: fork of 64 MiB takes at least 64 MiB");
	ok(forked.fork_pages_copied - filled.fork_pages_copied >= (cow ? 0 : PAGES) &&
	   forked.fork_pages_copied - filled.fork_pages_copied < (cow ? 1 : PAGES + 1024),
	   "fork_pages_copied counts the pages fork copied");

	settled_snapshot(&before_write);
	signal_other(down[1]);
	wait_other(up[0]);
	settled_snapshot(&written);
	long copied = written.cow_copy - before_write.cow_copy;
	diag("the child's %d writes copied %ld pages", WRITTEN, copied);
	ok(copied == (cow ? WRITTEN : 0), "the child writing k pages copies exactly k (cow) or 0");
	ok(before_write.mem_free_kb - written.mem_free_kb >= (cow ? WRITTEN * 4 : 0),
	   "the copies come out of free memory");

	signal_other(down[1]);
	wait_other(up[0]);
	settled_snapshot(&execd);
	diag("fork + exec in a grandchild copied %ld pages", execd.cow_copy - written.cow_copy);
	ok(execd.cow_copy - written.cow_copy <= 4,
	   "fork + exec in a grandchild copies nothing of the parent (at most a stack page or few)");

	signal_other(down[1]);
	ok_exit(wait_status(pid), 0, "the child saw its own writes and the parent's data");
	settled_snapshot(&exited);
	for (int i = 0; i < PAGES; i++)
		memory[i * PAGE] = 'q';
	settled_snapshot(&rewritten);
	long reused = rewritten.cow_reuse - exited.cow_reuse;
	long tables_back = rewritten.table_reuse - exited.table_reuse;
	diag("after the child exited, rewriting %d pages copied %ld and reused %ld (%ld tables "
	     "taken back)", PAGES, rewritten.cow_copy - exited.cow_copy, reused, tables_back);
	ok(rewritten.cow_copy - exited.cow_copy == 0,
	   "once the child is gone the parent's writes copy nothing");
	/* Under sharedpt fork touched no entry of the tables the child never
	 * wrote under: the parent takes those tables back and writes their pages
	 * without a fault. Only the pages of the one table the child copied were
	 * made read-only, and fault once each. */
	if (sharedpt)
		ok(tables_back >= PAGES / 512 - 2 && reused <= 2 * 512,
		   "sharedpt: the parent takes its tables back in place; only the pages under "
		   "the table the child copied fault");
	else
		ok(cow ? reused >= PAGES - WRITTEN : reused == 0,
		   "the parent takes its pages back in place (cow) or owned them all along (copy)");

	munmap(memory, PAGES * (size_t)PAGE);
	settled_snapshot(&end);
	diag("MemFree: %ld kB at start, %ld kB at the end", start.mem_free_kb, end.mem_free_kb);
	ok(end.mem_free_kb >= start.mem_free_kb - 64 && end.mem_free_kb <= start.mem_free_kb + 64,
	   "every frame comes back: MemFree at the end is MemFree at the start");
	return done();
}
