/*
 * fs/internal.h - everything the fs/ sources may use from the rest of the kernel.
 *
 * Like mm/internal.h, this narrow interface lets the same fs/ sources compile into
 * host unit tests (CALF_HOST), which supply fakes in tests/host/fs_host.h: a settable
 * "current task", wait queues that never sleep (a sleep that would block is
 * recorded and fails with -EINTR), fake signal and job-control upcalls that record
 * what is sent, a serial port that records output and lets the test type input,
 * uaccess as plain memcpy, and a settable clock.
 *
 * fs/ sits above sched/ and below proc/: it works on the running task, and learns
 * about processes only through the upcalls proc/ registers. What it uses of the
 * layers below:
 *   fs_current()                   the running task (NULL during boot): its cred
 *                                  (kernel/cred.h), fs (fs/fs_info.h: cwd, umask)
 *                                  and files (fs/fdtable.h)
 *   fs_irq_save/fs_irq_restore     interrupts off around "check, then sleep"
 *   fs_sleep_irqs_off(q, deadline) sleep with interrupts off: 0, -EINTR, -ETIMEDOUT
 *   FS_WAIT_EVENT(q, cond)         wait_event_interruptible
 *   wake_up                        sched/wait.h
 *   task_signal_*                  sched/signal.h: SIGPIPE, signals to a process
 *                                  group, SIGTTIN refused?, ppoll's blocked mask;
 *                                  the numbers are kernel/signum.h
 *   fs_current_ids, fs_jobctl      fs/jobctl.h: pid, process group and session,
 *                                  for the terminal, F_SETOWN and SCM_CREDENTIALS;
 *                                  RLIMIT_NOFILE for the descriptor table;
 *                                  proc/ registers both sets of upcalls at boot
 *   clock_monotonic_ns, fs_unix_time_ns
 *   serial_write, serial_read_byte, serial_set_input_hook
 *   copy_from_user, copy_to_user, clear_user, strncpy_from_user
 *   fs_entropy                     a 64-bit value with some unpredictability
 */
#ifndef CALF_FS_INTERNAL_H
#define CALF_FS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "lib/list.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/cred.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/signum.h"
#include "kernel/spinlock.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "sched/signal.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "fs/fs_info.h"
#include "fs/jobctl.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/timer.h"

#ifdef CALF_HOST
#include "tests/host/fs_host.h"
#else
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/rtc.h"

static inline struct task *fs_current(void)
{
	return current_task();
}

static inline uint64_t fs_irq_save(void)
{
	return irq_save();
}

static inline void fs_irq_restore(uint64_t flags)
{
	irq_restore(flags);
}

/* Sleep on queue with interrupts off until woken, a signal, or (when deadline_ns is
 * not 0) the monotonic clock reaching deadline_ns: 0, -EINTR or -ETIMEDOUT. */
static inline int fs_sleep_irqs_off(struct wait_queue *queue, uint64_t deadline_ns)
{
	if (deadline_ns)
		return wait_sleep_timeout_irqs_off(queue, deadline_ns);
	return wait_sleep_irqs_off(queue);
}

#define FS_WAIT_EVENT(queue, cond) wait_event_interruptible(queue, cond)

/* Wall-clock time: the RTC read once, advanced by the monotonic clock. */
static inline uint64_t fs_unix_time_ns(void)
{
	static uint64_t boot_seconds;

	if (!boot_seconds)
		boot_seconds = rtc_read_unix_time() - clock_monotonic_ns() / 1000000000ull;
	return boot_seconds * 1000000000ull + clock_monotonic_ns();
}

/* RDRAND when the CPU has it (CPUID.1:ECX bit 30), mixed with the time stamp
 * counter; never fails (without RDRAND only the TSC's jitter is left). */
static inline uint64_t fs_entropy(void)
{
	static int has_rdrand = -1;
	uint32_t low, high;
	uint64_t value = 0;

	if (has_rdrand < 0)
		has_rdrand = (cpuid(1, 0).ecx >> 30) & 1;
	for (int tries = 0; has_rdrand && tries < 10; tries++) {
		uint8_t ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
		if (ok)
			break;
	}
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return value ^ (((uint64_t)high << 32) | low);
}
#endif

#endif
