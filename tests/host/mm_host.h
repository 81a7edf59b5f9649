/*
 * tests/host/mm_host.h - the host fakes behind mm/internal.h (CALF_HOST).
 *
 * mm/frame.c and mm/kmalloc.c compile unchanged into host test programs; this file
 * gives them what the kernel would:
 *
 *   - the kernel's own lib/string.c (linked in, under calf_ names);
 *   - printk, panic and spinlocks with the kernel's declarations (kernel/ headers),
 *     implemented for the host in mm_host.c: printk writes to stdout,
 *     panic is a cmocka assertion failure (so a test expects one with
 *     expect_assert_failure(), and any other panic fails the test), and a spinlock is
 *     a flag whose second acquisition panics;
 *   - a simulated physical memory: `size` bytes of page-aligned host memory (the
 *     arena) at physical address 0, with phys_to_virt(phys) = arena + phys;
 *   - frame allocation failures on demand (MM_INJECT_FAILURE in mm/internal.h);
 *   - AddressSanitizer poisoning of memory mm/ says must not be touched
 *     (MM_POISON), so a test that uses a freed frame or heap object stops at once.
 */
#ifndef CALF_TESTS_HOST_MM_HOST_H
#define CALF_TESTS_HOST_MM_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "lib/string.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"

struct page;

/* A usable physical range [start, end) as the boot memory map would give it. */
struct mm_host_range {
	uint64_t start, end;
};

/*
 * (Re)create the simulated machine: free any previous one, allocate an arena of
 * `size` bytes (rounded up to a page) filled with a junk byte, a zeroed struct page
 * array of size/PAGE_SIZE entries, call frames_init on it, then frames_release on
 * each of the n ranges in the order given. Also resets failure injection and any
 * lock a caught panic left held. Returns the struct page array.
 */
struct page *mm_host_boot(uint64_t size, const struct mm_host_range *ranges, size_t n);

/* Free the simulated machine (the struct page array and the arena). */
void mm_host_shutdown(void);

/* The arena, its size in bytes, and the length of the struct page array. */
void *mm_host_arena(void);
uint64_t mm_host_arena_size(void);
size_t mm_host_page_count(void);

/* The direct map of the simulated machine. Addresses outside the arena map to
 * physical addresses no struct page covers. */
void *phys_to_virt(uint64_t phys);
uint64_t virt_to_phys(const void *virt);

/*
 * Failure injection for frame allocations (frame_alloc and frame_alloc_run each
 * count as one allocation):
 *   mm_host_fail_nth(n)   the n-th allocation from now fails (n = 1: the next one),
 *                         the ones before and after it succeed; 0 cancels.
 *   mm_host_fail_all(on)  every allocation fails while on.
 * mm_host_injected_failures counts the failures injected since boot.
 */
void mm_host_fail_nth(unsigned n);
void mm_host_fail_all(bool on);
unsigned mm_host_injected_failures(void);
bool mm_host_inject_failure(void);	/* MM_INJECT_FAILURE() */

/* The message of the latest panic (empty if none since boot), and how many. */
const char *mm_host_last_panic(void);
unsigned mm_host_panics(void);

/* Number of spinlocks currently held (0 between kernel calls). */
unsigned mm_host_locks_held(void);

/*
 * The hardware side of page tables (mm/internal.h's hw_*): the kernel's root is
 * physical page 0 of the arena (zeroed at boot, so it maps nothing); activating a
 * root and flushing the TLB are recorded, so tests can check them.
 */
uint64_t hw_kernel_root(void);
uint64_t hw_active_root(void);
void hw_activate(uint64_t root);
void hw_flush_page(uint64_t address);
void hw_flush_all(void);
unsigned mm_host_tlb_flushes(void);

/*
 * The host is CPU mm_host_cpu (0 unless a test says otherwise); hw_flush_remote
 * records each shootdown the mm code asks for: how many, and the last one's CPUs
 * and range, so tests can check one per operation with the right span.
 */
extern unsigned mm_host_cpu;
extern bool mm_host_several_cpus;	/* false: CPU masks are not kept */
unsigned hw_cpu_id(void);
bool hw_several_cpus(void);
void hw_flush_remote(uint64_t cpus, uint64_t start, uint64_t end);
/* A turn of a wait for other CPUs: nothing to wait for on the host. */
static inline void hw_wait_turn(void) { }
/* No interrupts on the host. */
static inline uint64_t hw_irq_save(void) { return 0; }
static inline void hw_irq_restore(uint64_t flags) { (void)flags; }
struct mm_host_shootdown {
	unsigned count;
	uint64_t cpus, start, end;
};
extern struct mm_host_shootdown mm_host_shootdowns;
/* Called at each shootdown when set: what a test checks at the moment the other
 * CPUs would flush. */
extern void (*mm_host_on_shootdown)(void);

/* The user-copy routines mm/uaccess.c would call; unused by host tests. */
size_t arch_user_copy(void *dst, const void *src, size_t size);
size_t arch_user_clear(void *dst, size_t size);

/* MM_POISON / MM_UNPOISON: no-ops unless built with AddressSanitizer. */
void mm_host_poison(const void *addr, size_t len);
void mm_host_unpoison(const void *addr, size_t len);

#endif
