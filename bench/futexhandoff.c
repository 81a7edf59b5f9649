/*
 * bench/futexhandoff.c - two threads handing a turn back and forth through a
 * futex: the -smp part of `make bench` (bench/run-smp.sh).
 *
 * Two threads of one process share a word; each waits (FUTEX_WAIT, private)
 * until the word says it is its turn, then gives the turn to the other and
 * wakes it (FUTEX_WAKE), HANDOFFS times in all, through syscall(2) as a mutex
 * or condition variable under contention would. Nothing pins them: each
 * kernel's scheduler places them, on two CPUs when it has them idle, and then
 * every handoff is a sleep on one CPU and a wake-up sent to another.
 *   futex_handoff: the time from the release until both are done, divided by
 *     HANDOFFS, in ns per handoff.
 * Under -icount it is the work of a handoff, every CPU's together: the sleep,
 * the wake-up IPI, the idle CPU's way back to the task, and any lock either
 * side waits for on the way.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "bench.h"

/* Linux's uapi/linux/futex.h, which musl does not ship. */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128

#define HANDOFFS 4096

static uint32_t turn;	/* 0: the first thread's, 1: the second's */
static int gate[2];

static void futex(uint32_t *word, int op, uint32_t value)
{
	syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, value, NULL, NULL, 0);
}

static void *player(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	char byte;

	if (read(gate[0], &byte, 1) != 0)
		return (void *)1;	/* nobody writes: only end of file releases */
	for (int i = 0; i < HANDOFFS / 2; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			futex(&turn, FUTEX_WAIT, !me);
		__atomic_store_n(&turn, !me, __ATOMIC_RELEASE);
		futex(&turn, FUTEX_WAKE, 1);
	}
	return NULL;
}

static long long handoffs(void *arg)
{
	pthread_t threads[2];

	(void)arg;
	turn = 0;
	if (pipe(gate))
		die("futexhandoff: pipe");
	for (uintptr_t k = 0; k < 2; k++)
		if (pthread_create(&threads[k], NULL, player, (void *)k))
			die("futexhandoff: pthread_create");
	long long start = now_ns();
	close(gate[1]);
	for (int k = 0; k < 2; k++) {
		void *result;
		if (pthread_join(threads[k], &result) || result)
			die("futexhandoff: a player failed");
	}
	long long elapsed = now_ns() - start;
	close(gate[0]);
	return elapsed;
}

int main(void)
{
	report("futex_handoff", median_of(handoffs, NULL, HANDOFFS));
	return 0;
}
