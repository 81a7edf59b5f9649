/*
 * arch/x86_64/ipi.h - interrupts between CPUs: TLB shootdown and "run this on that
 * CPU" (docs/smp.md, step 2).
 *
 * Both are synchronous: the sender returns once every target has done the work and
 * said so. One request of each kind is in flight at a time; a sender waiting for
 * its turn, or for acknowledgements, serves any request aimed at itself meanwhile,
 * so two CPUs shooting at each other with interrupts off cannot deadlock. The
 * vectors sit above every PIC line and below the APIC's spurious vector; the local
 * APIC delivers them and the handler acknowledges through its EOI register.
 */
#ifndef CALF_ARCH_IPI_H
#define CALF_ARCH_IPI_H

#include <stdint.h>
#include <stdbool.h>

#define VECTOR_IPI_TLB		0xf0
#define VECTOR_IPI_CALL		0xf1
#define VECTOR_IPI_WAKE		0xf2

/* Ranges above this many pages are flushed whole (a CR3 reload). */
#define TLB_FLUSH_ALL_ABOVE	32
/* end for "the whole address space" (the TLB entries of every user address). */
#define TLB_FLUSH_ALL		UINT64_MAX

/*
 * Make each CPU in `cpus` (a mask of CPU ids; the caller's own bit and offline CPUs
 * are ignored) drop its TLB entries for user addresses [start, end), or all of
 * them when end is TLB_FLUSH_ALL, and wait until all of them have. Counted in
 * ipi_stats.tlb_sent when some CPU was sent the IPI.
 */
void ipi_tlb_flush(uint64_t cpus, uint64_t start, uint64_t end);

/* Run fn(arg) on CPU id (in its interrupt handler) and wait for it to return.
 * false when id is not online or is the caller (call fn yourself then). */
bool ipi_call(unsigned id, void (*fn)(void *arg), void *arg);

/* Flush [start, end) (or all) from this CPU's TLB; returns pages invalidated one
 * by one, 0 for a whole flush. */
uint64_t ipi_flush_local(uint64_t start, uint64_t end);

/* Serve the requests aimed at this CPU now (with interrupts off while it does).
 * For code that spins waiting for another CPU (the kernel lock, an address
 * space's lock), which may be waiting for this one. */
void ipi_serve_pending(void);

/* Wake CPU id from hlt (VECTOR_IPI_WAKE), without waiting: an ordinary interrupt
 * there, so it takes the kernel lock and, coming from user mode, passes by the
 * scheduler and signal delivery on its way back. */
void ipi_wake(unsigned id);

/*
 * Halt this CPU, interrupts off, until *word == value, a TLB or call request is
 * aimed at it, or another CPU kicks it; at once if one of those already holds.
 * The caller re-checks what it waits for (a kick may be for someone else). For the
 * kernel lock's waiters, which would otherwise spin (ipi.c, "Halted waiters").
 */
void ipi_halt_until(const uint32_t *word, uint32_t value);
/* The CPUs halted in ipi_halt_until now (after a full barrier). */
uint64_t ipi_halted(void);
/* Wake those of cpus that are halted in ipi_halt_until, with an NMI, after a full
 * barrier (so a store before it is seen by their checks); returns whom. */
uint64_t ipi_kick_halted(uint64_t cpus);

/* Linux's nr_tlb_remote_flush and nr_tlb_remote_flush_received. */
struct ipi_stats {
	uint64_t tlb_sent;	/* shootdowns that sent at least one IPI */
	uint64_t tlb_received;	/* flush requests served, on all CPUs */
	uint64_t calls;		/* functions run for another CPU */
	uint64_t wakes;		/* wake-ups sent (ipi_wake) */
	uint64_t halts;		/* halts in ipi_halt_until */
	uint64_t kicks;		/* NMIs sent to halted CPUs (once per kick) */
};
extern struct ipi_stats ipi_stats;

/* For trap_dispatch: vector is a TLB or call request (not a wake-up). */
struct trap_frame;
bool ipi_is_vector(uint64_t vector);
void ipi_dispatch(struct trap_frame *frame);
/* For trap_dispatch: an NMI (vector 2), which is always a kick. */
void ipi_nmi(struct trap_frame *frame);

#endif
