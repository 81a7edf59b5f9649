/*
 * pressure.c - the kernel under pressure: a root fork bomb, many processes
 * fighting for copy-on-write memory, a map/unmap loop. calf only (Linux's limits
 * and OOM killer differ); run it alone, output to a file, since it reads MemFree.
 *
 * Each must end with the kernel alive, every process reaped and every frame back.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "../progs/util.h"
#include "../../user/vmstat.h"

#define PAGE 4096
#define SLACK_KB 64

static long free_kb(void)
{
	struct vm_snapshot s;

	vm_snapshot(&s);
	vm_snapshot(&s);
	return s.mem_free_kb;
}

static int back_to(long baseline)
{
	long now = free_kb();

	if (now < baseline - SLACK_KB)
		diag("MemFree %ld kB, was %ld kB", now, baseline);
	return now >= baseline - SLACK_KB;
}

/* Fork sleeping children until fork fails; kill and reap them all. */
static void test_fork_bomb(long baseline)
{
	static pid_t kids[8192];
	int made = 0, error = 0;

	while (made < 8192) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0) {
			error = errno;
			break;
		}
		kids[made++] = pid;
	}
	diag("the fork bomb made %d processes before errno %d", made, error);
	ok(made > 100 && (error == EAGAIN || error == ENOMEM),
	   "a root fork bomb ends with fork failing (EAGAIN or ENOMEM)");
	for (int i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	int reaped = 0;
	for (int i = 0; i < made; i++)
		reaped += waitpid(kids[i], NULL, 0) == kids[i];
	ok(reaped == made, "every process of the bomb is killed and reaped");
	ok(back_to(baseline), "all their memory comes back");
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	ok_exit(pid > 0 ? wait_status(pid) : -1, 5, "fork works again");
}

/* Six children each write all of a quarter of memory shared copy-on-write: there
 * is room for about three copies. Some die by SIGKILL, the rest finish. */
static void test_cow_crowd(long baseline)
{
	size_t bytes = (size_t)baseline * 1024 / 4;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t kids[6];
	int killed = 0, finished = 0;

	if (p == MAP_FAILED)
		bail("mmap failed");
	for (size_t at = 0; at < bytes; at += PAGE)
		p[at] = 'p';
	for (int k = 0; k < 6; k++) {
		kids[k] = xfork();
		if (kids[k] == 0) {
			for (size_t at = 0; at < bytes; at += PAGE)
				p[at] = (char)('a' + k);
			sleep_ms(200);	/* hold the copies while the others try */
			_exit(0);
		}
	}
	for (int k = 0; k < 6; k++) {
		int st = wait_status(kids[k]);
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		finished += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	diag("%d children finished, %d were killed", finished, killed);
	ok(killed > 0 && finished > 0 && killed + finished == 6,
	   "copy-on-write exhaustion kills some writers and the others finish");
	int intact = 1;
	for (size_t at = 0; at < bytes; at += PAGE)
		intact &= p[at] == 'p';
	ok(intact, "the parent's memory is intact");
	munmap(p, bytes);
	ok(back_to(baseline), "all the memory comes back");
}

/* Map, touch and unmap 20000 times: nothing may accumulate. */
static void test_map_unmap_loop(long baseline)
{
	int failures = 0;

	for (int i = 0; i < 20000; i++) {
		size_t bytes = (size_t)(1 + i % 64) << 16;
		char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			failures++;
			continue;
		}
		p[0] = 1;
		p[bytes - 1] = 2;
		failures += munmap(p, bytes) != 0;
	}
	ok(failures == 0, "20000 rounds of mmap, touch, munmap");
	ok(back_to(baseline), "leave nothing behind");
}

int main(void)
{
	plan(9);
	long baseline = free_kb();
	test_map_unmap_loop(baseline);
	test_cow_crowd(baseline);
	test_fork_bomb(baseline);
	return done();
}
