/*
 * arch/x86_64/ipi.c - TLB shootdown and remote calls over fixed-vector IPIs.
 *
 * Each kind has one request slot: the parameters and a mask of the CPUs that still
 * owe an answer. A sender takes the slot's lock, fills it, sets the mask (release),
 * sends the IPIs and spins until the mask is empty; each target does the work, then
 * clears its bit (release). Every spin serves requests aimed at the spinning CPU,
 * with interrupts off so that a request is never served twice (the handler could
 * otherwise run between a poll's work and its acknowledgement, and the poll would
 * then acknowledge the *next* request unserved).
 */
#include <stddef.h>
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"

#define ACK_TIMEOUT_NS	1000000000ull	/* a CPU that takes a second is broken */
#define PAGE_BYTES	4096ull

struct tlb_request {
	uint32_t lock;
	uint64_t start, end;
	uint64_t pending;	/* CPUs that have not flushed yet */
};

struct call_request {
	uint32_t lock;
	void (*fn)(void *arg);
	void *arg;
	uint64_t pending;	/* the target, until fn has returned */
};

static struct tlb_request tlb_request;
static struct call_request call_request;
struct ipi_stats ipi_stats;

static uint64_t self_bit(void)
{
	return 1ul << this_cpu()->id;
}

uint64_t ipi_flush_local(uint64_t start, uint64_t end)
{
	if (end == TLB_FLUSH_ALL || (end - start) / PAGE_BYTES > TLB_FLUSH_ALL_ABOVE) {
		write_cr3(read_cr3());
		return 0;
	}
	uint64_t pages = 0;
	for (uint64_t address = start; address < end; address += PAGE_BYTES, pages++)
		invlpg(address);
	return pages;
}

/* Interrupts are off in both: see the file comment. */
static void serve_tlb(void)
{
	uint64_t bit = self_bit();

	if (!(__atomic_load_n(&tlb_request.pending, __ATOMIC_ACQUIRE) & bit))
		return;
	ipi_flush_local(tlb_request.start, tlb_request.end);
	__atomic_add_fetch(&ipi_stats.tlb_received, 1, __ATOMIC_RELAXED);
	__atomic_and_fetch(&tlb_request.pending, ~bit, __ATOMIC_RELEASE);
}

static void serve_call(void)
{
	uint64_t bit = self_bit();

	if (!(__atomic_load_n(&call_request.pending, __ATOMIC_ACQUIRE) & bit))
		return;
	call_request.fn(call_request.arg);
	__atomic_add_fetch(&ipi_stats.calls, 1, __ATOMIC_RELAXED);
	__atomic_and_fetch(&call_request.pending, ~bit, __ATOMIC_RELEASE);
}

void ipi_serve_pending(void)
{
	/* With interrupts off: the IPI itself must not serve a request between
	 * this check and its acknowledgement, or the second acknowledgement would
	 * clear the bit of the sender's next request, unserved. */
	uint64_t flags = irq_save();

	serve_tlb();
	serve_call();
	irq_restore(flags);
}

/*
 * Halted waiters. A CPU that waits long for the kernel lock halts rather than
 * spin: under TCG every CPU is a host thread, and on a host with fewer cores than
 * CPUs a spinning waiter keeps a core the holder may be waiting for. Interrupts
 * stay off while it waits (a handler would take the lock it is waiting for), so
 * an NMI wakes it: from the lock's releaser when its ticket comes up, and from any
 * sender of a TLB or call request, which it must serve. halt_window.S checks all
 * three reasons and halts with no gap an NMI could fall into (ipi_nmi).
 */
struct halt_watch {
	const uint32_t *word;
	uint32_t value;
	const uint64_t *a, *b;
	uint64_t bit;
};
void halt_window(const struct halt_watch *watch);
extern const char halt_window_start[], halt_window_end[];

static uint64_t halted_cpus;

void ipi_halt_until(const uint32_t *word, uint32_t value)
{
	uint64_t bit = self_bit();
	struct halt_watch watch = { word, value, &tlb_request.pending, &call_request.pending,
				    bit };

	/* A locked OR: a full barrier, so a waker that stores first and then reads
	 * halted_cpus (ipi_kick_halted) and this CPU's checks cannot both miss. */
	__atomic_fetch_or(&halted_cpus, bit, __ATOMIC_SEQ_CST);
	halt_window(&watch);
	__atomic_fetch_and(&halted_cpus, ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&ipi_stats.halts, 1, __ATOMIC_RELAXED);
}

uint64_t ipi_kick_halted(uint64_t cpus)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cpus &= __atomic_load_n(&halted_cpus, __ATOMIC_RELAXED) & ~self_bit();
	for (unsigned id = 0; id < SMP_MAX_CPUS && cpus >> id; id++) {
		struct cpu *cpu = (cpus >> id) & 1 ? smp_cpu(id) : NULL;
		if (cpu && !lapic_send_nmi(cpu->apic_id))
			arch_fatal(NULL, "ipi: NMI not sent to CPU %u", id);
	}
	if (cpus)
		__atomic_fetch_add(&ipi_stats.kicks, 1, __ATOMIC_RELAXED);
	return cpus;
}

uint64_t ipi_halted(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&halted_cpus, __ATOMIC_RELAXED);
}

/* Every NMI is a kick (nothing else sends them): one that lands inside the
 * window, before the hlt, returns past it, since what it announces may have
 * come after the checks. Touches nothing else: it may interrupt anything. */
void ipi_nmi(struct trap_frame *frame)
{
	if (frame->rip >= (uint64_t)halt_window_start && frame->rip < (uint64_t)halt_window_end)
		frame->rip = (uint64_t)halt_window_end;
}

static void lock_slot(uint32_t *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		ipi_serve_pending();
		cpu_relax();
	}
}

static void unlock_slot(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void send_to(uint64_t cpus, uint8_t vector)
{
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		struct cpu *cpu = (cpus >> id) & 1 ? smp_cpu(id) : NULL;
		if (cpu && !lapic_send_fixed(cpu->apic_id, vector))
			arch_fatal(NULL, "ipi: vector %#x not sent to CPU %u", vector, id);
	}
}

static void wait_for(const uint64_t *pending, const char *what)
{
	uint64_t deadline = clock_monotonic_ns() + ACK_TIMEOUT_NS;

	while (__atomic_load_n(pending, __ATOMIC_ACQUIRE)) {
		ipi_serve_pending();
		if (clock_monotonic_ns() > deadline)
			arch_fatal(NULL, "ipi: no %s acknowledgement from CPUs %#lx", what,
				   __atomic_load_n(pending, __ATOMIC_ACQUIRE));
		cpu_relax();
	}
}

void ipi_tlb_flush(uint64_t cpus, uint64_t start, uint64_t end)
{
	uint64_t flags = irq_save();

	cpus &= smp_online_mask() & ~self_bit();
	if (cpus) {
		lock_slot(&tlb_request.lock);
		tlb_request.start = start;
		tlb_request.end = end;
		__atomic_store_n(&tlb_request.pending, cpus, __ATOMIC_RELEASE);
		send_to(cpus, VECTOR_IPI_TLB);
		ipi_kick_halted(cpus);
		wait_for(&tlb_request.pending, "TLB flush");
		ipi_stats.tlb_sent++;
		unlock_slot(&tlb_request.lock);
	}
	irq_restore(flags);
}

bool ipi_call(unsigned id, void (*fn)(void *arg), void *arg)
{
	if (!smp_cpu(id))
		return false;
	uint64_t flags = irq_save();
	uint64_t target = 1ul << id;
	if (target == self_bit()) {
		irq_restore(flags);
		return false;
	}
	lock_slot(&call_request.lock);
	call_request.fn = fn;
	call_request.arg = arg;
	__atomic_store_n(&call_request.pending, target, __ATOMIC_RELEASE);
	send_to(target, VECTOR_IPI_CALL);
	ipi_kick_halted(target);
	wait_for(&call_request.pending, "call");
	unlock_slot(&call_request.lock);
	irq_restore(flags);
	return true;
}

void ipi_wake(unsigned id)
{
	struct cpu *cpu = smp_cpu(id);

	if (cpu && !lapic_send_fixed(cpu->apic_id, VECTOR_IPI_WAKE))
		arch_fatal(NULL, "ipi: wake-up not sent to CPU %u", id);
	ipi_stats.wakes++;
}

bool ipi_is_vector(uint64_t vector)
{
	return vector == VECTOR_IPI_TLB || vector == VECTOR_IPI_CALL;
}

/* EOI first: the work may take a while, and a new request re-sends the vector
 * only after this one's bit is cleared, so none is lost. */
void ipi_dispatch(struct trap_frame *frame)
{
	lapic_end_of_interrupt();
	if (frame->vector == VECTOR_IPI_TLB)
		serve_tlb();
	else
		serve_call();
}
