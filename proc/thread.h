/*
 * proc/thread.h - thread groups and the state threads share (proc/thread.c).
 *
 * proc/proc.h says which struct owns what. This is how they are made, shared and
 * let go:
 *
 *   thread_setup_process  a new process (fork, or PID 1): its own thread group,
 *                         and sighand and fs_info copied (or shared, per flags)
 *   thread_join_group     a new thread (CLONE_THREAD) joins the caller's group
 *   thread_release_shared drop the thread's references on sighand and fs_info
 *   thread_kill_others    group exit and execve: every other thread gets SIGKILL
 *   thread_reap_dead      free the threads that exited (called after a switch)
 *   thread_take_leadership execve in a non-leader: the caller becomes the leader
 *
 * Everything here runs with interrupts off or in process context on one CPU; the
 * reference counts need no atomics yet (SMP is future work, see docs/processes.md).
 */
#ifndef CALF_PROC_THREAD_H
#define CALF_PROC_THREAD_H

#include <stdint.h>
#include <stdbool.h>

struct proc;

/* Give child (a fresh proc_alloc) a thread group of its own, and a copy of parent's
 * sighand and fs_info unless share_sighand / share_fs (CLONE_SIGHAND, CLONE_FS).
 * parent NULL: PID 1 (default dispositions, root directory). 0 or -ENOMEM. */
int thread_setup_process(struct proc *child, struct proc *parent, bool share_sighand,
			 bool share_fs);

/* child joins parent's thread group, sharing its sighand (always, CLONE_THREAD
 * requires CLONE_SIGHAND) and its fs_info if share_fs, else a copy. 0 or -ENOMEM. */
int thread_join_group(struct proc *child, struct proc *parent, bool share_fs);

/* proc_free: drop the sighand and fs_info references this proc still holds (those
 * it has: a setup may have failed half-way). */
void thread_release_shared(struct proc *proc);

/* A thread lets go of its resources (proc/release.c: exit, a failed clone): drop
 * its fs_info, and its sighand unless it leads the group (the leader answers for
 * the process until reaped: a signal sent to it looks at the dispositions). */
void thread_exit_release(struct proc *proc);

/* Drop proc's reference on its thread group (proc_free calls it). */
void thread_group_put(struct proc *proc);

/* Send SIGKILL to every other live thread of the caller's group. */
void thread_kill_others(struct proc *self);

/* How many threads of proc's group have not exited. */
int thread_count(const struct proc *proc);

/* A non-leader thread that exited is queued here to be freed by the next thread to
 * run: nobody can free the stack they are running on. */
void thread_queue_dead(struct proc *proc);
void thread_reap_dead(void);

/* execve from a non-leader thread, once every other thread is gone (Linux's
 * de_thread): self takes the leader's pid and its place in the process tree, and
 * the old leader's zombie is freed. */
void thread_take_leadership(struct proc *self);

/* execve: make sure the caller's sighand is its own (a CLONE_SIGHAND sibling
 * process must not see the reset). 0 or -ENOMEM. */
int thread_unshare_sighand(struct proc *self);

/* setpgid, setsid: the process group and session of every thread of proc's
 * process (each thread keeps a copy, which the terminal code reads). */
void thread_group_set_ids(struct proc *proc, int pgid, int sid);

/* for_each_thread(proc, t): t takes each thread of proc's group (live ones, and
 * an exited leader). */
#define for_each_thread(member, t) \
	for (struct list_node *t##_node = (member)->group->threads.next; \
	     t##_node != &(member)->group->threads && \
	     ((t) = list_entry(t##_node, struct proc, thread_link)) != NULL; \
	     t##_node = t##_node->next)

#endif
