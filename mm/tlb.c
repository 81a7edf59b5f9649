/*
 * mm/tlb.c - the one place mm/ flushes TLBs: this CPU through hw_flush_*, the
 * others through hw_flush_remote (an IPI, acknowledged; mm/tlb.h).
 *
 * With one CPU (hw_several_cpus false) no mask is kept and nothing is sent: the
 * flushes cost what they did before SMP, one test more.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/tlb.h"

struct tlb_stats tlb_stats;

/* Same threshold as the IPI handler's, so every CPU flushes alike. */
#define FLUSH_ALL_ABOVE 32
#define FLUSH_ALL UINT64_MAX

static uint64_t *cpus_of(uint64_t root)
{
	return &pfn_to_page(root >> PAGE_SHIFT)->table.cpus;
}

uint64_t tlb_cpus(const struct mm *mm)
{
	return __atomic_load_n(cpus_of(mm->root), __ATOMIC_ACQUIRE);
}

bool tlb_loaded_elsewhere(uint64_t root)
{
	if (!hw_several_cpus())
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* as in flush_remote */
	return __atomic_load_n(cpus_of(root), __ATOMIC_RELAXED) & ~(1ul << hw_cpu_id());
}

static void flush_local(uint64_t start, uint64_t end)
{
	if (end == FLUSH_ALL || (end - start) / PAGE_SIZE > FLUSH_ALL_ABOVE) {
		hw_flush_all();
		__atomic_fetch_add(&tlb_stats.local_flush_all, 1, __ATOMIC_RELAXED);
		return;
	}
	for (uint64_t address = start; address < end; address += PAGE_SIZE)
		hw_flush_page(address);
	__atomic_fetch_add(&tlb_stats.local_flush_one, (end - start) / PAGE_SIZE, __ATOMIC_RELAXED);
}

static void __attribute__((noinline)) flush_remote(uint64_t root, uint64_t start, uint64_t end)
{
	/*
	 * The entries were changed before this load: a CPU that sets its bit later
	 * (a locked OR, then its CR3 load) walks the new entries. The fence keeps the
	 * load after those stores (x86 may otherwise satisfy it first).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t others = __atomic_load_n(cpus_of(root), __ATOMIC_RELAXED) &
			  ~(1ul << hw_cpu_id());

	if (others)
		hw_flush_remote(others, start, end);
}

void tlb_flush_root(uint64_t root, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	if (hw_active_root() == root)
		flush_local(start, end);
	if (hw_several_cpus())
		flush_remote(root, start, end);
}

void tlb_flush_root_all(uint64_t root)
{
	tlb_flush_root(root, 0, FLUSH_ALL);
}

void tlb_flush_range(struct mm *mm, uint64_t start, uint64_t end)
{
	tlb_flush_root(mm->root, start, end);
}

void tlb_flush_mm(struct mm *mm)
{
	tlb_flush_root(mm->root, 0, FLUSH_ALL);
}

/* The fault paths' case, kept as short as the INVLPG it was. */
void tlb_flush_page(struct mm *mm, uint64_t address)
{
	if (hw_active_root() == mm->root) {
		hw_flush_page(address);
		__atomic_fetch_add(&tlb_stats.local_flush_one, 1, __ATOMIC_RELAXED);
	}
	if (hw_several_cpus())
		flush_remote(mm->root, address & PAGE_MASK, (address & PAGE_MASK) + PAGE_SIZE);
}

static void __attribute__((noinline)) move_bit(uint64_t old, uint64_t root)
{
	uint64_t kernel = hw_kernel_root(), bit = 1ul << hw_cpu_id();

	/* The kernel's root is no address space's: nobody flushes it, so it has no
	 * mask (and its frame is not one of the allocator's page-table pages). */
	if (root != kernel)
		__atomic_or_fetch(cpus_of(root), bit, __ATOMIC_SEQ_CST);
	hw_activate(root);
	if (old != kernel)
		__atomic_and_fetch(cpus_of(old), ~bit, __ATOMIC_RELEASE);
}

void tlb_activate(uint64_t root)
{
	uint64_t old = hw_active_root();

	if (old == root)
		return;
	if (hw_several_cpus())
		move_bit(old, root);
	else
		hw_activate(root);
}
