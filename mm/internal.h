/*
 * mm/internal.h - everything the mm/ sources may use from the rest of the kernel.
 *
 * This narrow interface is what lets the same mm/ sources compile into host unit tests
 * (tests/host/), which define CALF_HOST and supply their own fakes in
 * tests/host/mm_host.h: a simulated physical memory behind phys_to_virt, printk on
 * stdio, panic as a test failure, and injectable allocation failures.
 */
#ifndef CALF_MM_INTERNAL_H
#define CALF_MM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef CALF_HOST
#include "tests/host/mm_host.h"

/*
 * Test hooks, compiled away in the kernel:
 *   MM_INJECT_FAILURE()   true when the host test asked this frame allocation to fail.
 *   MM_POISON(addr, len)  the bytes are not to be touched until unpoisoned (free
 *                         frames, free heap objects): AddressSanitizer reports any
 *                         access in a host test.
 *   MM_UNPOISON(addr, len) they may be used again.
 */
#define MM_INJECT_FAILURE()	mm_host_inject_failure()
#define MM_POISON(addr, len)	mm_host_poison((addr), (len))
#define MM_UNPOISON(addr, len)	mm_host_unpoison((addr), (len))

#else
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/smp.h"

#define MM_INJECT_FAILURE()	false
#define MM_POISON(addr, len)	((void)(addr), (void)(len))
#define MM_UNPOISON(addr, len)	((void)(addr), (void)(len))

/* The fault-tolerant copy routines (arch/x86_64/uaccess.S): bytes not done. */
size_t arch_user_copy(void *dst, const void *src, size_t size);
size_t arch_user_clear(void *dst, size_t size);

/* The hardware side of page tables (host tests fake these). */
static inline uint64_t hw_kernel_root(void) { return paging_kernel_root(); }
static inline void hw_flush_page(uint64_t address) { invlpg(address); }
static inline void hw_flush_all(void) { write_cr3(read_cr3()); }
static inline uint64_t hw_active_root(void) { return read_cr3() & PTE_ADDR_MASK; }
static inline void hw_activate(uint64_t root) { write_cr3(root); }
/* Which CPU this is, and the shootdown of [start, end) (end UINT64_MAX: all) on
 * the other CPUs in cpus, returning once each has flushed (mm/tlb.c). */
static inline unsigned hw_cpu_id(void) { return this_cpu()->id; }
static inline bool hw_several_cpus(void) { return smp_several_cpus; }
static inline void hw_flush_remote(uint64_t cpus, uint64_t start, uint64_t end)
{
	ipi_tlb_flush(cpus, start, end);
}
/* One turn of a wait for other CPUs, which may be waiting for this one's TLB flush
 * meanwhile: serve that, then pause. */
static inline void hw_wait_turn(void)
{
	ipi_serve_pending();
	cpu_relax();
}
/* Interrupts off (the previous state returned) and back. */
static inline uint64_t hw_irq_save(void) { return irq_save(); }
static inline void hw_irq_restore(uint64_t flags) { irq_restore(flags); }
#endif

#include "lib/list.h"
#include "lib/errno.h"
#include "arch/x86_64/pte_bits.h"

#endif
