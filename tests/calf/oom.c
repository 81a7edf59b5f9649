/*
 * oom.c - running out of memory loses nothing but the process that ran out.
 *
 * calf promises memory freely and provides it on first touch (docs/memory.md), so
 * exhaustion shows up in one of three places, each tested here under whatever
 * fork_mode the kernel runs:
 *   - a demand-zero fault with no frame left: the faulting process dies by SIGKILL;
 *   - a copy-on-write fault with no frame left: the writer dies, the other owner
 *     keeps its data;
 *   - fork itself, when the child's page tables cannot be made (under sharedpt the
 *     child has almost none of its own, so there fork succeeds): -1 with ENOMEM or
 *     EAGAIN, the parent goes on;
 *   - MAP_POPULATE of more than all of memory (MAP_NORESERVE lets it past mmap's
 *     check): the prefaulting process dies by SIGKILL, as if it had touched it all,
 *     instead of keeping every frame while others die. (Found by the fuzzer.)
 * After each, every frame comes back. calf only: Linux's OOM killer chooses its
 * victim by its own rules. Run it alone (output to a file, not a pipe): MemFree is
 * system-wide, and a process starting beside it would move it.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "../progs/util.h"
#include "../../user/vmstat.h"

#define PAGE 4096
#define SLACK_KB 64	/* kernel heap slabs may keep a page or so */

static long free_kb(void)
{
	struct vm_snapshot s;

	vm_snapshot(&s);
	vm_snapshot(&s);
	return s.mem_free_kb;
}

static long oom_kills(void)
{
	vm_read_file("/proc/vmstat");
	return vm_field("oom_kill");
}

static int back_to(long baseline)
{
	long now = free_kb();

	if (now < baseline - SLACK_KB)
		diag("MemFree %ld kB, was %ld kB", now, baseline);
	return now >= baseline - SLACK_KB;
}

/* Touch more than all of memory: the toucher must die by SIGKILL. */
static void test_demand_zero(long baseline)
{
	long kills = oom_kills();
	pid_t pid = xfork();

	if (pid == 0) {
		/* In quarters, so no single mapping exceeds what an overcommit check
		 * would allow: the point is the faults, not mmap. */
		size_t bytes = (size_t)baseline * 1024 / 4;
		for (int quarter = 0; quarter < 8; quarter++) {
			char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(2);
			for (size_t at = 0; at < bytes; at += PAGE)
				p[at] = 1;
		}
		_exit(0);
	}
	ok_killed(wait_status(pid), SIGKILL, "a demand-zero fault with no frame left: SIGKILL");
	ok(oom_kills() == kills + 1, "oom_kill in /proc/vmstat counts it");
	ok(back_to(baseline), "all its memory comes back");
}

/* Prefault twice all of memory: the process that asked must die, and only it. */
static void test_populate(long baseline)
{
	long kills = oom_kills();
	pid_t pid = xfork();

	if (pid == 0) {
		size_t bytes = (size_t)baseline * 1024 * 2;
		mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
		_exit(0);
	}
	ok_killed(wait_status(pid), SIGKILL, "MAP_POPULATE with no frame left: SIGKILL");
	ok(oom_kills() == kills + 1, "oom_kill in /proc/vmstat counts it");
	ok(back_to(baseline), "all its memory comes back");
}

/* The parent fills 60% of memory and forks; the child writes all of it: under cow
 * its copies run out, under copy the fork itself does. Either way the parent's
 * data is intact and the memory comes back. */
static void test_copy_on_write(long baseline)
{
	size_t bytes = (size_t)baseline * 1024 / 10 * 6;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap of %zu bytes failed", bytes);
	for (size_t at = 0; at < bytes; at += PAGE)
		p[at] = 'p';
	pid_t pid = fork();
	if (pid == 0) {
		for (size_t at = 0; at < bytes; at += PAGE)
			p[at] = 'c';
		_exit(0);
	}
	if (pid > 0) {
		ok_killed(wait_status(pid), SIGKILL,
			  "copy-on-write faults with no frame left: the writer dies by SIGKILL");
	} else {
		ok(errno == ENOMEM || errno == EAGAIN,
		   "copy-on-write faults with no frame left: the writer dies by SIGKILL");
	}
	int intact = 1;
	for (size_t at = 0; at < bytes; at += PAGE)
		intact &= p[at] == 'p';
	ok(intact, "the parent's data is intact");
	munmap(p, bytes);
	ok(back_to(baseline), "all the memory comes back");
}

/* One page in each of many 2 MiB blocks: every page costs a page table too, and so
 * would every page of a child. With 45% of memory in such pages, the child's page
 * tables cannot be made. */
static void test_fork_without_memory(long baseline)
{
	size_t pages = (size_t)baseline / 4 * 45 / 100;
	size_t stride = 2ul << 20, bytes = pages * stride;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap of %zu bytes failed", bytes);
	for (size_t i = 0; i < pages; i++)
		p[i * stride] = 1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int failed = pid < 0 && (errno == ENOMEM || errno == EAGAIN);
	if (pid > 0) {
		wait_status(pid);
		diag("fork succeeded with %zu sparse pages", pages);
	}
	if (strcmp(vm_fork_mode(), "sharedpt") == 0)
		/* The child uses the parent's leaf tables: this fork needs no memory. */
		ok(pid > 0, "sharedpt: fork shares the leaf tables, so even this fork succeeds");
	else
		ok(failed, "fork without memory for the child's page tables fails with "
		   "ENOMEM/EAGAIN");
	munmap(p, bytes);
	ok(back_to(baseline), "nothing the failed fork took is lost");
	pid = fork();
	if (pid == 0)
		_exit(7);
	ok_exit(pid > 0 ? wait_status(pid) : -1, 7, "fork works again afterwards");
}

int main(void)
{
	plan(12);
	long baseline = free_kb();
	diag("MemFree at start: %ld kB (fork_mode %s)", baseline, vm_fork_mode());
	test_demand_zero(baseline);
	test_copy_on_write(baseline);
	test_fork_without_memory(baseline);
	test_populate(baseline);
	return done();
}
