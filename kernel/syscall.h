/*
 * kernel/syscall.h - defining system calls.
 *
 * A system call `name` is implemented by writing, in any kernel file,
 *
 *     SYSCALL_DEFINE3(name, int, fd, void *, buf, size_t, count)
 *     {
 *             ...return a value or a negative errno...
 *     }
 *
 * which defines sys_name(const struct syscall_args *) unpacking the registers into
 * typed parameters. syscall/dispatch.c builds the table from syscall/syscalls.def,
 * where every sys_name is a weak reference: calls nobody defined stay NULL in the
 * table and return -ENOSYS (logged once by name).
 */
#ifndef CALF_KERNEL_SYSCALL_H
#define CALF_KERNEL_SYSCALL_H

#include <stdint.h>
#include <stddef.h>
#include "lib/errno.h"

struct trap_frame;

struct syscall_args {
	uint64_t arg[6];		/* rdi, rsi, rdx, r10, r8, r9 */
	struct trap_frame *frame;	/* the user registers, for fork, execve, sigreturn */
};

typedef long (*syscall_fn)(const struct syscall_args *args);

#define SYSCALL_HEAD(name) long sys_##name(const struct syscall_args *args)

#define SYSCALL_DEFINE0(name) \
	static long do_sys_##name(const struct syscall_args *args); \
	SYSCALL_HEAD(name) { return do_sys_##name(args); } \
	static long do_sys_##name(const struct syscall_args *args __attribute__((unused)))

#define SYSCALL_DEFINE1(name, t1, a1) \
	static long do_sys_##name(t1 a1); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0]); } \
	static long do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2) \
	static long do_sys_##name(t1 a1, t2 a2); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0], (t2)args->arg[1]); } \
	static long do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3) \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0], (t2)args->arg[1], \
						  (t3)args->arg[2]); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4) \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0], (t2)args->arg[1], \
						  (t3)args->arg[2], (t4)args->arg[3]); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0], (t2)args->arg[1], \
						  (t3)args->arg[2], (t4)args->arg[3], \
						  (t5)args->arg[4]); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6); \
	SYSCALL_HEAD(name) { return do_sys_##name((t1)args->arg[0], (t2)args->arg[1], \
						  (t3)args->arg[2], (t4)args->arg[3], \
						  (t5)args->arg[4], \
						  (t6)args->arg[5]); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

/*
 * A system call that runs without the kernel lock (docs/smp.md, "System calls
 * without the kernel lock"): write SYSCALL_WITHOUT_KERNEL_LOCK(name) beside its
 * SYSCALL_DEFINE. Its handler runs with interrupts on while another CPU may hold
 * the kernel lock and change anything that lock protects, so it may read only
 * what no other CPU changes (the caller's own pid), or changes a whole word at
 * a time, so that either value is a right answer (the caller's ids, the
 * clock); it may copy to and from user memory (a fault there takes the kernel
 * lock itself, as any trap does); it must not sleep, nor take any lock but a
 * spinlock. The way back to user mode takes the kernel lock only when there is
 * a signal to deliver or a reschedule due.
 *
 * A call that can be served so only sometimes returns -EKERNELLOCK, having
 * changed nothing, when it cannot: it is then called again under the kernel
 * lock, the usual way. kernel_lock_held() tells it which call it is (and is
 * always true on one CPU, where the lock is not taken at all).
 */
#define SYSCALL_WITHOUT_KERNEL_LOCK(name) const char sys_without_kernel_lock_##name = 1

/* Handle the system call in frame (number in rax); the result goes to frame->rax. */
void syscall_dispatch(struct trap_frame *frame);

/* Name of a system call number, for logs ("?" when unknown). */
const char *syscall_name(uint64_t number);

#endif
