/*
 * worker.c - a fuzzing process: its setup, its loop, its children.
 *
 * A worker (forked by the coordinator) stays root, makes its sandbox, and runs the
 * loop; it may fork children, which run the loop with a fresh generator and a
 * smaller budget and may drop to nobody, and they may fork again, down to
 * FZ_MAX_LEVEL. Every process is in the worker's process group, so the
 * coordinator can end all of them at once with kill(-worker, SIGKILL).
 *
 * Nothing may block for good: a periodic SIGALRM (handler without SA_RESTART)
 * interrupts any sleeping call, and ends the process once its deadline is past. A
 * process whose calls removed that timer or handler is still ended by the
 * coordinator when its worker runs over time.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TICK_US		50000		/* the periodic SIGALRM */
#define WORKER_MS	4000		/* a worker's own deadline (its budget ends it sooner) */
#define CHILD_MS	1500
#define CHILD_BUDGET	400

static uint64_t deadline_ns;
sigjmp_buf fz_fault_jump;
volatile sig_atomic_t fz_fault_armed;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int fz_past_deadline(void)
{
	return now_ns() > deadline_ns;
}

static void on_alarm(int sig)
{
	(void)sig;
	if (fz_past_deadline())
		_exit(0);
}

/* A fault while touching memory on purpose returns to the toucher; any other
 * fault is fatal, as it would be without a handler. */
static void on_fault(int sig)
{
	if (fz_fault_armed) {
		fz_fault_armed = 0;
		siglongjmp(fz_fault_jump, 1);
	}
	signal(sig, SIG_DFL);
}

static void set_handler(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* Handlers, timer and deadline: the same for every new process of the run. */
static void arm(unsigned lifetime_ms)
{
	struct itimerval tick = { { 0, TICK_US }, { 0, TICK_US } };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	deadline_ns = now_ns() + lifetime_ms * 1000000ull;
	set_handler(SIGALRM, on_alarm, 0);
	set_handler(SIGSEGV, on_fault, SA_NODEFER);
	set_handler(SIGBUS, on_fault, SA_NODEFER);
	signal(SIGPIPE, SIG_IGN);
	setitimer(ITIMER_REAL, &tick, NULL);
}

/* The memory the arguments point at; none of it is in f->maps, so the fuzzer's
 * own munmap and mprotect leave it alone (bad luck aside). */
static void make_buffers(struct fz *f)
{
	char *p = mmap(NULL, FZ_SCRATCH + 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	f->scratch = p;
	f->zero = p + FZ_SCRATCH;
	f->ro = f->zero + 4096;
	f->none = f->ro + 4096;
	for (size_t i = 0; i < FZ_SCRATCH; i++)
		f->scratch[i] = (char)rng_next(&f->rng);
	mprotect(f->ro, 4096, PROT_READ);
	mprotect(f->none, 4096, PROT_NONE);
}

static void quiet_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* The operation table, all families together, with cumulative weights. */
static const struct fz_op *ops[128];
static int op_weights[128], op_count, op_total;

static void build_table(void)
{
	const struct fz_op *families[] = { fz_mem_ops, fz_proc_ops, fz_io_ops, fz_misc_ops,
					   fz_ipc_ops };

	for (size_t i = 0; i < sizeof families / sizeof *families; i++)
		for (const struct fz_op *op = families[i]; op->name; op++) {
			op_total += op->weight;
			ops[op_count] = op;
			op_weights[op_count++] = op_total;
		}
}

void fz_loop(struct fz *f)
{
	while (f->budget-- > 0 && !fz_past_deadline()) {
		int pick = (int)rng_below(&f->rng, (uint64_t)op_total);
		int i = 0;
		while (op_weights[i] <= pick)
			i++;
		ops[i]->run(f);
		/* Whatever the call did to our identity (setresuid(-1, -1, -1) succeeds
		 * and changes nothing): root is what the kernel says, not what we hoped. */
		f->privileged = syscall(SYS_geteuid) == 0;
	}
}

/* End the process: its children first, so none outlives it by much. */
static void __attribute__((noreturn)) finish(struct fz *f)
{
	for (int i = 0; i < f->nkids; i++)
		kill(f->kids[i], SIGKILL);
	for (int i = 0; i < f->nkids; i++)
		waitpid(f->kids[i], NULL, 0);
	_exit(0);
}

/*
 * fork for the fuzzer: in the child, a new generator and budget, maybe a lower
 * privilege; returns as fork does. The child's own children are its own.
 */
pid_t fz_fork(struct fz *f)
{
	uint64_t child_seed = rng_mix(f->seed ^ ((uint64_t)++f->forks << 32));
	pid_t pid = fork();

	stats_count(SYS_fork, pid < 0 ? -errno : pid);
	if (pid != 0)
		return pid;
	f->seed = child_seed;
	f->rng = child_seed | 1;
	f->level++;
	f->nkids = 0;
	f->has_writer = 0;	/* fork copies only the calling thread */
	f->forks = 0;
	f->budget = CHILD_BUDGET;
	stats_note_process();
	if (f->privileged && rng_one_in(&f->rng, 2)) {
		setgroups(0, NULL);
		setresgid(FZ_NOBODY, FZ_NOBODY, FZ_NOBODY);
		setresuid(FZ_NOBODY, FZ_NOBODY, FZ_NOBODY);
		f->privileged = 0;
	}
	arm(CHILD_MS);
	return 0;
}

/* A forked child's whole life. */
void __attribute__((noreturn)) fz_child(struct fz *f)
{
	fz_loop(f);
	finish(f);
}

static void init_fz(struct fz *f, int worker, uint64_t seed, long budget)
{
	memset(f, 0, sizeof *f);
	f->seed = seed;
	f->rng = seed | 1;
	f->worker = worker;
	f->budget = budget;
	f->privileged = geteuid() == 0;
	f->self = "/tests/fuzz/fuzz";
	snprintf(f->dir, sizeof f->dir, "%s/w%d", FZ_ROOT, worker);
	build_table();
	make_buffers(f);
}

void worker_main(int worker, uint64_t seed, long budget)
{
	static struct fz f;

	setpgid(0, 0);
	quiet_stdio();
	init_fz(&f, worker, seed, budget);
	arm(WORKER_MS);
	files_populate(&f);
	chdir(f.dir);
	fz_loop(&f);
	finish(&f);
}

/* `fuzz --exec SEED WORKER LEVEL`: a child that exec'd the fuzzer goes on fuzzing. */
void worker_exec_main(int argc, char **argv)
{
	static struct fz f;

	if (argc < 5)
		_exit(2);
	init_fz(&f, atoi(argv[3]), strtoull(argv[2], NULL, 0), CHILD_BUDGET);
	f.level = atoi(argv[4]);
	stats_attach();
	stats_note_exec();
	stats_note_process();
	arm(CHILD_MS);
	chdir(f.dir);
	fz_loop(&f);
	finish(&f);
}
