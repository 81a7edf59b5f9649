/*
 * threadfork.c - fork from a threaded process while sibling threads keep writing
 * the same pages: the classic hazard of copy-on-write with threads.
 *
 * Two sibling threads write generation numbers into every page of a private
 * region, pass after pass, noting in `started` and `finished` which pass they are
 * in. The forking thread writes its own marks into the same pages, forks, and
 * writes other marks. The child must see one instant of the parent's memory: the
 * forking thread's marks from before the fork, each sibling's pages from passes
 * between the `finished` and `started` it sees, and nothing of what the siblings
 * write after the fork (checked again after a pause). It must have one thread.
 * The parent must see all of its own writes and every sibling's last pass whole.
 * Run under each fork_mode by the guest suite.
 */
#include <sched.h>
#include <sys/mman.h>
#include "util.h"
#include "threadutil.h"

#define PAGES 48
#define FORKS 12
#define PAGE 4096

struct slot {
	volatile long forker;		/* the forking thread's mark */
	volatile long sibling[2];	/* each sibling's generation */
};

static char *region;
static volatile long started[2], finished[2];
static volatile int stop_siblings;

static struct slot *slot(int page)
{
	return (struct slot *)(region + (size_t)page * PAGE);
}

static void *sibling(void *arg)
{
	long me = (long)arg;

	for (long gen = 1; !stop_siblings; gen++) {
		started[me] = gen;
		for (int p = 0; p < PAGES; p++)
			slot(p)->sibling[me] = gen;
		finished[me] = gen;
		if (gen % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static int thread_count_now(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read_full(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	char *at = strstr(buf, "\nThreads:\t");
	return at ? atoi(at + 10) : -1;
}

/* In the child: a bit per kind of inconsistency; 0 when all is well. */
static int check_snapshot(int round)
{
	long seen[PAGES][2];
	int bad = 0;

	for (int p = 0; p < PAGES; p++) {
		if (slot(p)->forker != round * 1000 + p)
			bad |= 1;	/* the forking thread's own write before fork */
		for (int s = 0; s < 2; s++) {
			seen[p][s] = slot(p)->sibling[s];
			if (seen[p][s] < finished[s] || seen[p][s] > started[s])
				bad |= 2;	/* not one instant */
		}
	}
	sleep_ms(15);	/* the siblings go on writing in the parent meanwhile */
	for (int p = 0; p < PAGES; p++)
		for (int s = 0; s < 2; s++)
			if (slot(p)->sibling[s] != seen[p][s])
				bad |= 4;	/* a write after the fork leaked in */
	for (int p = 0; p < PAGES; p++)
		slot(p)->forker = -1;	/* the child's writes are its own */
	if (thread_count_now() != 1)
		bad |= 8;
	return bad;
}

int main(void)
{
	pthread_t t[2];
	int child_bad = 0, parent_bad = 0, child_writes_leaked = 0;

	plan(5);
	region = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		bail("mmap failed");
	for (long i = 0; i < 2; i++)
		t[i] = xthread(sibling, (void *)i);
	while (!finished[0] || !finished[1])
		sched_yield();

	for (int round = 1; round <= FORKS; round++) {
		for (int p = 0; p < PAGES; p++)
			slot(p)->forker = round * 1000 + p;
		pid_t pid = fork();
		if (pid < 0)
			bail("fork failed: errno %d", errno);
		if (pid == 0)
			_exit(check_snapshot(round));
		for (int p = 0; p < PAGES; p++)
			slot(p)->forker = -(round * 1000 + p);
		int st = wait_status(pid);
		child_bad |= child_bits(st);
		for (int p = 0; p < PAGES; p++) {
			parent_bad |= slot(p)->forker != -(round * 1000 + p);
			child_writes_leaked |= slot(p)->forker == -1;
		}
	}
	stop_siblings = 1;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	int whole = 1;
	for (int p = 0; p < PAGES; p++)
		for (int s = 0; s < 2; s++)
			whole &= slot(p)->sibling[s] == finished[s];

	ok(!(child_bad & 1), "each child sees the forking thread's writes from before the fork");
	ok(!(child_bad & 6), "each child sees one instant of the siblings' writes, and none after");
	ok(!(child_bad & 8), "each child has one thread");
	ok(!parent_bad && !child_writes_leaked,
	   "the parent sees its own writes after each fork, and none of the child's");
	ok(whole, "the parent sees every sibling's last pass whole");
	if (child_bad)
		diag("child inconsistency bits: %#x", child_bad);
	return done();
}
