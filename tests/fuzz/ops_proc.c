/*
 * ops_proc.c - process operations: fork (and vfork, clone), exit, kill of our own
 * children or group, wait4 and waitid in all their forms, execve of good, bad and
 * missing programs, signal dispositions and masks, timers.
 *
 * What a process may do to others is deliberate: signals go only to its own
 * children, itself or its own process group (the worker's), never to a pid it did
 * not make; nothing leaves the group (no setsid, no setpgid), so the coordinator
 * can always end it. Damaged programs and scripts run only as nobody.
 */
#include "fuzz.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define EXEC_MAX_LEVEL 4

void fz_child(struct fz *f) __attribute__((noreturn));

static int can_fork(struct fz *f)
{
	return f->level < FZ_MAX_LEVEL && f->nkids < FZ_MAX_KIDS - f->level;
}

static void add_kid(struct fz *f, pid_t pid)
{
	if (pid > 0 && f->nkids < FZ_MAX_KIDS)
		f->kids[f->nkids++] = pid;
}

static void forget_kid(struct fz *f, pid_t pid)
{
	for (int i = 0; i < f->nkids; i++)
		if (f->kids[i] == pid)
			f->kids[i--] = f->kids[--f->nkids];
}

static void op_fork(struct fz *f)
{
	if (!can_fork(f))
		return;
	pid_t pid = fz_fork(f);
	if (pid == 0)
		fz_child(f);
	add_kid(f, pid);
}

/* clone as fork, sometimes sharing the descriptor table or the cwd. */
static void op_clone(struct fz *f)
{
	static const long shares[] = { 0, CLONE_FILES, CLONE_FS, CLONE_FILES | CLONE_FS };

	if (!can_fork(f))
		return;
	long flags = shares[rng_below(&f->rng, 4)] |
		     (rng_one_in(&f->rng, 8) ? (long)rng_below(&f->rng, 65) : SIGCHLD);
	uint64_t child_seed = rng_mix(f->seed ^ ((uint64_t)++f->forks << 32) ^ 0xc10e);
	long pid = FZ5(SYS_clone, flags, 0, 0, 0, 0);
	if (pid == 0) {
		f->seed = child_seed;
		f->rng = child_seed | 1;
		f->level++;
		f->nkids = 0;
		f->has_writer = 0;
		f->budget = 200;
		stats_note_process();
		fz_child(f);
	}
	add_kid(f, (pid_t)pid);
}

/*
 * A sibling writer: a thread of this process (CLONE_VM | CLONE_THREAD) that writes
 * its own pages over and over while the process goes on fuzzing, so that forks,
 * munmaps and mprotects run while another CPU writes into the same address space
 * (TLB shootdowns, the fork's write-protection, deferred frees). Each pass writes
 * the pass number into each page and reads it back, and first checks that the page
 * still holds the previous pass's number: a write lost to a fork or a copy shows
 * as a wrong value. It uses no libc (it shares the main thread's TLS and errno),
 * yields after each pass, and ends after WRITER_ROUNDS passes or with the process.
 * Its pages and stack are one mapping outside f->maps, at a fixed address far
 * from everything (as the statistics are), so the fuzzer's own munmap, mprotect
 * and madvise do not reach it but by a random address's bad luck.
 */
#define WRITER_ADDR	0x2b5a5c000000ull
#define WRITER_PAGES	8
#define WRITER_STACK	16384
#define WRITER_ROUNDS	4000
#define WORD_PAGE	(4096 / sizeof(uint64_t))

struct writer {
	volatile uint64_t *pages;
	uint64_t *rounds, *lost;
};

static long raw1(long nr, long a)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
	return ret;
}

static void writer_main(struct writer *w)
{
	for (uint64_t round = 1; round <= WRITER_ROUNDS; round++) {
		for (unsigned i = 0; i < WRITER_PAGES; i++) {
			volatile uint64_t *word = w->pages + i * WORD_PAGE;
			if (*word != round - 1)
				__atomic_fetch_add(w->lost, 1, __ATOMIC_RELAXED);
			*word = round;
			if (*word != round)
				__atomic_fetch_add(w->lost, 1, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(w->rounds, 1, __ATOMIC_RELAXED);
		raw1(SYS_sched_yield, 0);
	}
	for (;;)
		raw1(SYS_exit, 0);	/* the thread alone */
}

/* clone a thread onto stack_top running fn(arg); the parent gets its tid. */
static long spawn_thread(void (*fn)(struct writer *), struct writer *arg, void *stack_top)
{
	long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		     CLONE_SYSVSEM;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	register void (*r12)(struct writer *) __asm__("r12") = fn;
	register struct writer *r13 __asm__("r13") = arg;
	long ret;

	__asm__ volatile(
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"xor %%ebp, %%ebp\n\t"
		"mov %%r13, %%rdi\n\t"
		"call *%%r12\n\t"
		"ud2\n"
		"1:"
		: "=a"(ret)
		: "a"((long)SYS_clone), "D"(flags), "S"(stack_top), "d"(0L), "r"(r10), "r"(r8),
		  "r"(r12), "r"(r13)
		: "rcx", "r11", "memory");
	return ret;
}

static void op_writer(struct fz *f)
{
	if (f->has_writer)
		return;
	/* Fresh zeroed pages, also over the copy a forked child inherited. */
	char *area = mmap((void *)WRITER_ADDR, WRITER_STACK + WRITER_PAGES * 4096,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (area == MAP_FAILED)
		return;
	/* The writer's description lives at the top of its own stack area. */
	struct writer *w = (struct writer *)(area + WRITER_STACK) - 1;
	w->pages = (volatile uint64_t *)(area + WRITER_STACK);
	stats_writer_counters(&w->rounds, &w->lost);
	void *stack_top = (void *)((uint64_t)w & ~15ull);
	long tid = spawn_thread(writer_main, w, stack_top);
	stats_count(SYS_clone, tid);
	if (tid > 0)
		f->has_writer = 1;
	else
		munmap(area, WRITER_STACK + WRITER_PAGES * 4096);
}

static const char *exec_target(struct fz *f, char *buf, size_t size)
{
	static const char *const safe[] = {
		"/bin/true", "/tests/fuzz/fuzz", "/nonexistent", "/", "/dev/null", "/proc/self/maps",
		"/etc/passwd", "/proc", "",
	};
	uint64_t choice = rng_below(&f->rng, f->privileged ? 10 : 14);

	if (choice < 9)
		return safe[choice];
	if (choice == 9)
		return (const char *)arg_addr(f);
	snprintf(buf, size, "%s/%s", f->dir, choice < 12 ? "elf" : "script");
	if (rng_one_in(&f->rng, 3)) {	/* a fresh one */
		if (choice < 12)
			files_write_bad_program(f, buf);
		else
			files_write_script(f, buf);
	}
	return buf;
}

/* execve in this process: returns only if it failed. */
static void do_exec(struct fz *f)
{
	char path[96], seed[32], worker[16], level[16];
	char *argv[8], *envp[4] = { "FUZZ=1", "PATH=/bin", NULL, NULL };
	const char *target = exec_target(f, path, sizeof path);

	snprintf(seed, sizeof seed, "%llu", (unsigned long long)rng_next(&f->rng));
	snprintf(worker, sizeof worker, "%d", f->worker);
	snprintf(level, sizeof level, "%d", f->level + 1);
	argv[0] = (char *)target;
	argv[1] = f->level < EXEC_MAX_LEVEL ? "--exec" : "--stop";
	argv[2] = seed;
	argv[3] = worker;
	argv[4] = level;
	argv[5] = NULL;
	uint64_t av = (uint64_t)argv, ev = (uint64_t)envp;
	switch (rng_below(&f->rng, 8)) {
	case 0: av = arg_addr(f); break;
	case 1: ev = arg_addr(f); break;
	case 2: av = 0; break;
	case 3: argv[1] = (char *)arg_addr(f); break;
	default: break;
	}
	long r = FZ3(SYS_execve, target, av, ev);
	(void)r;
}

/* Most execs happen in a new child, so the process itself goes on. */
static void op_execve(struct fz *f)
{
	if (f->level > 0 && rng_one_in(&f->rng, 4)) {
		do_exec(f);
		return;
	}
	if (!can_fork(f))
		return;
	pid_t pid = fz_fork(f);
	if (pid == 0) {
		do_exec(f);
		_exit(100);
	}
	add_kid(f, pid);
}

/* vfork: the child may only exec or exit. */
static void op_vfork(struct fz *f)
{
	static char *const argv[] = { "true", NULL };
	static const char *const targets[] = { "/bin/true", "/nonexistent", "/" };

	if (!can_fork(f))
		return;
	const char *target = targets[rng_below(&f->rng, 3)];
	int how = (int)rng_below(&f->rng, 3);
	pid_t pid = vfork();
	if (pid == 0) {
		if (how)
			execve(target, argv, argv + 1);
		_exit(how);
	}
	stats_count(SYS_vfork, pid < 0 ? -errno : pid);
	add_kid(f, pid);
}

static void op_exit(struct fz *f)
{
	if (f->level == 0 && !rng_one_in(&f->rng, 8))
		return;
	switch (rng_below(&f->rng, 4)) {
	case 0: FZ1(SYS_exit_group, arg_int(f)); break;
	case 1: FZ1(SYS_exit, arg_int(f)); break;
	case 2: FZ2(SYS_kill, FZ0(SYS_getpid), SIGTERM); break;
	default: FZ2(SYS_kill, FZ0(SYS_getpid), SIGKILL); break;
	}
}

static long pick_signal(struct fz *f)
{
	static const long odd[] = { 0, SIGKILL, SIGSTOP, SIGCONT, SIGTERM, SIGCHLD, SIGUSR1,
				    SIGSEGV, SIGALRM, SIGTSTP, SIGTTIN, 64, 65, -1, 1000 };
	if (rng_one_in(&f->rng, 2))
		return odd[rng_below(&f->rng, sizeof odd / sizeof *odd)];
	return (long)rng_below(&f->rng, 66);
}

/*
 * Is pid still a child of ours? A child reaped behind our back (SIGCHLD ignored,
 * a wait whose status pointer was bad) leaves its pid in f->kids, and the pid may
 * go to a process of another worker; only our own group is fair game.
 */
int fz_kid_is_ours(pid_t pid)
{
	return FZ1(SYS_getpgid, pid) == FZ1(SYS_getpgid, 0);
}

/* Signals a worker may send itself and its group without dying of them. */
static long harmless_signal(struct fz *f)
{
	static const long harmless[] = { 0, SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGALRM, 65, -1 };

	return harmless[rng_below(&f->rng, sizeof harmless / sizeof *harmless)];
}

/* Our children, ourselves, our group, or a pid that cannot exist. */
static void op_kill(struct fz *f)
{
	long sig = pick_signal(f), target;
	pid_t self = (pid_t)FZ0(SYS_getpid);

	switch (rng_below(&f->rng, 6)) {
	case 0: case 1:
		if (f->nkids == 0)
			return;
		target = f->kids[rng_below(&f->rng, f->nkids)];
		if (!fz_kid_is_ours((pid_t)target))
			return;
		break;
	case 2: case 3:		/* the group holds the worker, which must live on */
		target = rng_one_in(&f->rng, 2) ? self : 0;
		if (f->level == 0 || target == 0)
			sig = harmless_signal(f);
		break;
	case 4: target = 99999; break;
	default: target = -0x7fffffffl - 1; break;
	}
	if (rng_one_in(&f->rng, 4))
		FZ3(SYS_tgkill, target, target, sig);
	else if (rng_one_in(&f->rng, 4))
		FZ2(SYS_tkill, target, sig);
	else
		FZ2(SYS_kill, target, sig);
}

static void op_wait4(struct fz *f)
{
	long pid;

	switch (rng_below(&f->rng, 5)) {
	case 0: pid = -1; break;
	case 1: pid = 0; break;
	case 2: pid = f->nkids ? f->kids[rng_below(&f->rng, f->nkids)] : 99999; break;
	case 3: pid = -FZ0(SYS_getpgrp); break;
	default: pid = arg_int(f); break;
	}
	uint64_t options = arg_bits(f, WNOHANG | WNOHANG | WUNTRACED | WCONTINUED | __WALL |
				    __WCLONE | __WNOTHREAD);
	if (rng_below(&f->rng, 4))
		options |= WNOHANG;	/* mostly; blocking waits end at the next tick */
	long r = FZ4(SYS_wait4, pid, arg_user_addr(f), options,
		     rng_one_in(&f->rng, 3) ? arg_user_addr(f) : 0);
	if (r > 0)
		forget_kid(f, (pid_t)r);
}

static void op_waitid(struct fz *f)
{
	long idtype = (long)rng_below(&f->rng, 5), id = arg_int(f);

	if (idtype == P_PID && f->nkids)
		id = f->kids[rng_below(&f->rng, f->nkids)];
	uint64_t options = arg_bits(f, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT);
	if (rng_below(&f->rng, 4))
		options |= WNOHANG;
	char *info = f->scratch + rng_below(&f->rng, 64) * 512;
	memset(info, 0, 128);
	long r = FZ5(SYS_waitid, idtype, id, rng_below(&f->rng, 4) ? (uint64_t)info : arg_addr(f),
		     options, rng_one_in(&f->rng, 3) ? arg_user_addr(f) : 0);
	siginfo_t *si = (siginfo_t *)info;
	if (r == 0 && !(options & WNOWAIT) && si->si_pid > 0 &&
	    (si->si_code == CLD_EXITED || si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED))
		forget_kid(f, si->si_pid);
}

/* Reap what is already dead: keeps zombies from filling the kid table. */
static void op_reap(struct fz *f)
{
	for (int i = 0; i < f->nkids; i++)
		if (FZ4(SYS_wait4, f->kids[i], 0, WNOHANG, 0) == f->kids[i])
			forget_kid(f, f->kids[i--]);
}

static void op_signals(struct fz *f)
{
	long sig = pick_signal(f);
	char *buf = f->scratch + rng_below(&f->rng, 64) * 512;

	switch (rng_below(&f->rng, 6)) {
	case 0: {	/* a disposition: default, ignore, a bad handler, or garbage */
		uint64_t *act = (uint64_t *)buf;
		static const uint64_t handlers[] = { 0, 1, 0x1000, 0xffffffff80000000ull };
		act[0] = handlers[rng_below(&f->rng, f->level == 0 ? 2 : 4)];
		act[1] = arg_bits(f, 0x04000000 | 0x10000000 | 0x40000000 | 0x80000000 | 1 | 2 | 4);
		act[2] = arg_addr(f);
		act[3] = rng_next(&f->rng);
		if (sig == SIGALRM || sig == SIGSEGV || sig == SIGBUS || sig == SIGKILL)
			sig = rng_one_in(&f->rng, 8) && f->level > 0 ? sig : SIGUSR2;
		FZ4(SYS_rt_sigaction, sig, rng_one_in(&f->rng, 4) && f->level > 0 ? arg_addr(f)
										     : (uint64_t)act,
		    rng_one_in(&f->rng, 2) ? arg_user_addr(f) : 0, rng_one_in(&f->rng, 8) ? 16 : 8);
		break;
	}
	case 1:		/* a worker never blocks the signals it lives by */
		*(uint64_t *)buf = rng_next(&f->rng) & ~(1ull << (SIGALRM - 1)) &
				   ~(1ull << (SIGSEGV - 1)) & ~(1ull << (SIGBUS - 1));
		FZ4(SYS_rt_sigprocmask, rng_below(&f->rng, 4),
		    f->level == 0 || rng_below(&f->rng, 2) ? (uint64_t)buf : arg_user_addr(f),
		    arg_user_addr(f), rng_one_in(&f->rng, 8) ? arg_int(f) : 8);
		break;
	case 2:
		FZ2(SYS_rt_sigpending, arg_user_addr(f), rng_one_in(&f->rng, 8) ? arg_int(f) : 8);
		break;
	case 3:
		FZ2(SYS_sigaltstack, arg_user_addr(f), arg_user_addr(f));
		break;
	case 4:		/* sleeps until a signal: the tick */
		*(uint64_t *)buf = 0;
		FZ2(SYS_rt_sigsuspend, rng_one_in(&f->rng, 4) ? arg_addr(f) : (uint64_t)buf, 8);
		break;
	default:
		FZ4(SYS_rt_sigtimedwait, arg_user_addr(f), arg_user_addr(f), arg_user_addr(f), 8);
		break;
	}
}

/* Timers: a worker only looks; its children may stop the tick it lives by. */
static void op_timers(struct fz *f)
{
	switch (f->level == 0 ? 2 : rng_below(&f->rng, 3)) {
	case 0: FZ1(SYS_alarm, rng_below(&f->rng, 3)); break;
	case 1: FZ3(SYS_setitimer, rng_below(&f->rng, 4), arg_user_addr(f), arg_user_addr(f)); break;
	default: FZ2(SYS_getitimer, rng_below(&f->rng, 4), arg_user_addr(f)); break;
	}
}

const struct fz_op fz_proc_ops[] = {
	{ "fork", 5, op_fork },
	{ "clone", 2, op_clone },
	{ "vfork", 1, op_vfork },
	{ "execve", 4, op_execve },
	{ "exit", 1, op_exit },
	{ "kill", 4, op_kill },
	{ "wait4", 4, op_wait4 },
	{ "waitid", 2, op_waitid },
	{ "reap", 4, op_reap },
	{ "signals", 4, op_signals },
	{ "timers", 1, op_timers },
	{ "writer", 2, op_writer },
	{ 0 },
};
