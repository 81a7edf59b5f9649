/*
 * proc/futex.h - fast user-space mutexes (proc/futex.c): the futex system call,
 * the robust futex list, and what a thread's exit does for the threads waiting
 * on it.
 *
 * A waiter sleeps on a key naming a 32-bit user word: (mm, address) for a private
 * mapping, the physical address for a shared one (mm_shared_word), so that
 * processes sharing memory at different addresses meet on one key. Waking and
 * requeueing take waiters in the order they came.
 */
#ifndef CALF_PROC_FUTEX_H
#define CALF_PROC_FUTEX_H

#include <stdint.h>

struct proc;

/* Wake up to count waiters on the (shared-keyed) word at uaddr of the current
 * address space; the number woken or -errno. */
long futex_wake_word(uint64_t uaddr, int count);

/*
 * The current thread ends or execs (Linux's mm_release): its robust futexes are
 * marked FUTEX_OWNER_DIED (a waiter woken for each), then clear_child_tid is
 * zeroed and woken if another thread shares the address space. Needs proc's
 * address space active.
 */
void futex_exit(struct proc *proc);

#endif
