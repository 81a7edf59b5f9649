/*
 * forksem.c - what fork and exec promise, whatever the kernel does underneath.
 *
 * calf runs this under every fork strategy (copy and cow) and Linux runs it too:
 * the output must be the same everywhere. Each check is one claim a textbook makes
 * about fork: return values, parentage, orphans, private memory of every kind
 * (data, bss, heap, stack, anonymous and MAP_SHARED mappings) over many pages,
 * many children and three generations, kernel writes (read()) into memory shared
 * after fork, and what exec keeps and replaces.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <stdint.h>

#include "util.h"

#define PAGE 4096
#define MANY_PAGES 512		/* 2 MiB in each kind of memory */
#define CHILDREN 8

static int in_data = 1;
static int in_bss;
static char data_pages[16 * PAGE] = { 1 };
static char bss_pages[16 * PAGE];
static int initialised_for_exec = 42;

/* Fill every page's first byte and last byte with value (the rest untouched). */
static void stamp(char *p, size_t pages, char value)
{
	for (size_t i = 0; i < pages; i++) {
		p[i * PAGE] = value;
		p[i * PAGE + PAGE - 1] = value;
	}
}

static int stamped(const char *p, size_t pages, char value)
{
	for (size_t i = 0; i < pages; i++)
		if (p[i * PAGE] != value || p[i * PAGE + PAGE - 1] != value)
			return 0;
	return 1;
}

static char *map_anon(size_t pages, int flags)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bail("mmap of %zu pages failed: errno %d", pages, errno);
	return p;
}

/* Heap pages from the break itself (musl's sbrk refuses to move it). */
static char *grow_heap(size_t pages)
{
	uintptr_t start = ((uintptr_t)syscall(SYS_brk, 0) + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t end = start + pages * PAGE;

	if ((uintptr_t)syscall(SYS_brk, end) != end)
		bail("brk to %#lx failed", (unsigned long)end);
	return (char *)start;
}

static void test_return_values(void)
{
	int fds[2];
	pid_t reported, parent_seen;

	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		pid_t mine[2] = { getpid(), getppid() };
		write(fds[1], mine, sizeof mine);
		_exit(0);
	}
	close(fds[1]);
	pid_t got[2] = { 0, 0 };
	read_full(fds[0], got, sizeof got);
	close(fds[0]);
	reported = got[0];
	parent_seen = got[1];
	wait_status(pid);
	ok(pid > 0 && reported == pid, "fork returns the child's pid in the parent");
	ok(parent_seen == getpid(), "getppid in the child is the parent's pid");
}

/* A grandchild whose parent exits is adopted by PID 1, which reaps it. */
static void test_orphans(void)
{
	int fds[2];

	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		pid_t grandchild = fork();
		if (grandchild == 0) {
			/* Wait to be orphaned, then report the new parent. */
			for (int i = 0; i < 500 && getppid() != 1; i++)
				sleep_ms(10);
			pid_t info[2] = { getpid(), getppid() };
			write(fds[1], info, sizeof info);
			_exit(0);
		}
		_exit(grandchild > 0 ? 0 : 1);
	}
	close(fds[1]);
	int st = wait_status(pid);
	pid_t info[2] = { 0, 0 };
	read_full(fds[0], info, sizeof info);
	close(fds[0]);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && info[1] == 1,
	   "an orphan is adopted by PID 1");
	/* PID 1 reaps it: the pid disappears. */
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		gone = kill(info[0], 0) < 0 && errno == ESRCH;
		if (!gone)
			sleep_ms(10);
	}
	ok(gone, "PID 1 reaps the orphan when it exits");
}

struct memory {
	char *data, *bss, *heap, *anon, *shared;
	int *stack_word;
};

/* Every kind of private memory holds value; the shared mapping is not checked. */
static int private_memory_is(const struct memory *m, char value)
{
	return stamped(m->data, 16, value) && stamped(m->bss, 16, value) &&
	       stamped(m->heap, MANY_PAGES, value) && stamped(m->anon, MANY_PAGES, value) &&
	       *m->stack_word == value;
}

static void stamp_private_memory(struct memory *m, char value)
{
	stamp(m->data, 16, value);
	stamp(m->bss, 16, value);
	stamp(m->heap, MANY_PAGES, value);
	stamp(m->anon, MANY_PAGES, value);
	*m->stack_word = value;
}

/* Children's writes stay theirs; the parent's writes after fork stay the parent's. */
static void test_private_memory(struct memory *m)
{
	int go[2], seen[2];

	stamp_private_memory(m, 'P');
	xpipe(go);
	xpipe(seen);
	pid_t kids[CHILDREN];
	for (int k = 0; k < CHILDREN; k++) {
		kids[k] = xfork();
		if (kids[k] == 0) {
			int bad = 0;
			char byte;
			if (!private_memory_is(m, 'P'))
				bad |= 1;		/* did not inherit the parent's memory */
			stamp_private_memory(m, (char)('a' + k));
			write(seen[1], "x", 1);
			/* Wait until the parent has written after the fork. */
			if (read(go[0], &byte, 1) != 1)
				bad |= 8;
			if (!private_memory_is(m, (char)('a' + k)))
				bad |= 2;		/* the parent's or a sibling's write showed */
			_exit(bad);
		}
	}
	char byte;
	for (int k = 0; k < CHILDREN; k++)
		read(seen[0], &byte, 1);
	int parent_intact = private_memory_is(m, 'P');
	stamp_private_memory(m, 'Q');
	for (int k = 0; k < CHILDREN; k++)
		write(go[1], "g", 1);
	int bad = 0;
	for (int k = 0; k < CHILDREN; k++)
		bad |= child_bits(wait_status(kids[k]));
	close(go[0]);
	close(go[1]);
	close(seen[0]);
	close(seen[1]);
	ok(!(bad & 1), "children inherit data, bss, heap, stack and mappings (2 MiB each)");
	ok(parent_intact, "%d children's writes to every page are invisible to the parent",
	   CHILDREN);
	ok(!(bad & 2), "the parent's and siblings' writes after fork are invisible to a child");
	ok(private_memory_is(m, 'Q') && !(bad & 8), "the parent keeps its own writes");
}

/* Three generations each write their own values; nobody sees anyone else's. */
static void test_three_generations(struct memory *m)
{
	stamp_private_memory(m, '1');
	pid_t child = xfork();
	if (child == 0) {
		stamp_private_memory(m, '2');
		pid_t grandchild = fork();
		if (grandchild == 0) {
			int ok_before = private_memory_is(m, '2');
			stamp_private_memory(m, '3');
			_exit(ok_before && private_memory_is(m, '3') ? 0 : 1);
		}
		int st;
		if (grandchild < 0 || waitpid(grandchild, &st, 0) != grandchild)
			_exit(2);
		_exit(!WIFEXITED(st) || WEXITSTATUS(st) ? 3 : private_memory_is(m, '2') ? 0 : 4);
	}
	int st = wait_status(child);
	ok_exit(st, 0, "three generations: each sees its parent's memory and keeps its own");
	ok(private_memory_is(m, '1'), "three generations: the first keeps its memory");
}

/* MAP_SHARED memory stays shared across fork, in both directions and generations. */
static void test_shared_mapping(struct memory *m)
{
	stamp(m->shared, 64, 's');
	pid_t pid = xfork();
	if (pid == 0) {
		int inherited = stamped(m->shared, 64, 's');
		pid_t grandchild = fork();
		if (grandchild == 0) {
			stamp(m->shared, 64, 'g');
			_exit(0);
		}
		waitpid(grandchild, NULL, 0);
		_exit(inherited && stamped(m->shared, 64, 'g') ? 0 : 1);
	}
	int st = wait_status(pid);
	ok_exit(st, 0, "MAP_SHARED: a grandchild's writes reach its parent");
	ok(stamped(m->shared, 64, 'g'), "MAP_SHARED: a grandchild's writes reach the first process");
}

/* The kernel writing into memory shared after fork (read() from a pipe) must
 * write the reader's copy only. */
static void test_kernel_writes(struct memory *m)
{
	int fds[2];

	stamp(m->heap, 4, 'h');
	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		close(fds[1]);
		size_t got = read_full(fds[0], m->heap + PAGE - 8, 16);
		_exit(got == 16 && memcmp(m->heap + PAGE - 8, "0123456789abcdef", 16) == 0 ? 0 : 1);
	}
	close(fds[0]);
	write(fds[1], "0123456789abcdef", 16);
	close(fds[1]);
	int st = wait_status(pid);
	ok_exit(st, 0, "read() into a buffer shared after fork lands in the reader");
	ok(stamped(m->heap, 4, 'h'),
	   "read() by the child leaves the parent's buffer as it was");

	/* And the other way: the parent reads, the child must not see it. */
	int back[2], done_pipe[2];
	xpipe(back);
	xpipe(done_pipe);
	stamp(m->anon, 2, 'a');
	pid = xfork();
	if (pid == 0) {
		char byte;
		close(back[1]);
		read(done_pipe[0], &byte, 1);
		_exit(stamped(m->anon, 2, 'a') ? 0 : 1);
	}
	write(back[1], "PARENT", 6);
	ok(read_full(back[0], m->anon, 6) == 6 && memcmp(m->anon, "PARENT", 6) == 0,
	   "read() by the parent into memory shared with a child works");
	write(done_pipe[1], "d", 1);
	st = wait_status(pid);
	ok_exit(st, 0, "read() by the parent is invisible to the child");
	close(back[0]);
	close(back[1]);
	close(done_pipe[0]);
	close(done_pipe[1]);
}

/* exec keeps pid, parent, cwd and descriptors without close-on-exec; it replaces
 * the whole memory image. The new image reports through the kept descriptor. */
static int exec_probe(int report_fd, int cloexec_fd)
{
	char cwd[256] = "";
	int values[5] = {
		getpid(), getppid(), fcntl(cloexec_fd, F_GETFD) < 0 && errno == EBADF,
		initialised_for_exec, in_data,
	};

	getcwd(cwd, sizeof cwd);
	write(report_fd, values, sizeof values);
	write(report_fd, cwd, sizeof cwd);
	return 0;
}

static void test_exec(const char *self)
{
	int fds[2];

	xpipe(fds);
	int cloexec_fd = open("/", O_RDONLY | O_CLOEXEC);
	initialised_for_exec = 7;	/* the new image must see its own 42 */
	in_data = 9;
	pid_t pid = xfork();
	if (pid == 0) {
		char fd_text[16], cloexec_text[16];
		snprintf(fd_text, sizeof fd_text, "%d", fds[1]);
		snprintf(cloexec_text, sizeof cloexec_text, "%d", cloexec_fd);
		if (chdir("/tmp") < 0)
			_exit(126);
		execl(self, self, "--exec-probe", fd_text, cloexec_text, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	int values[5] = { 0 };
	char cwd[256] = "";
	size_t got = read_full(fds[0], values, sizeof values);
	read_full(fds[0], cwd, sizeof cwd);
	close(fds[0]);
	close(cloexec_fd);
	int st = wait_status(pid);
	ok(got == sizeof values && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "exec: the new image runs and keeps a descriptor without close-on-exec");
	ok(values[0] == pid, "exec keeps the pid");
	ok(values[1] == getpid(), "exec keeps the parent");
	ok(strcmp(cwd, "/tmp") == 0, "exec keeps the current directory");
	ok(values[2] == 1, "exec closes close-on-exec descriptors");
	ok(values[3] == 42 && values[4] == 1, "exec replaces data with the program's own");
	initialised_for_exec = 42;
	in_data = 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--exec-probe") == 0)
		return exec_probe(atoi(argv[2]), atoi(argv[3]));
	const char *self = self_path(argv[0]);

	plan(22);
	test_return_values();
	test_orphans();

	int on_stack = 0;
	struct memory m = {
		.data = data_pages, .bss = bss_pages,
		.heap = grow_heap(MANY_PAGES),
		.anon = map_anon(MANY_PAGES, MAP_PRIVATE),
		.shared = map_anon(64, MAP_SHARED),
		.stack_word = &on_stack,
	};
	(void)in_bss;
	test_private_memory(&m);
	test_three_generations(&m);
	test_shared_mapping(&m);
	test_kernel_writes(&m);
	test_exec(self);
	return done();
}
