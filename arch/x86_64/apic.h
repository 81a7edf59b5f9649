/*
 * arch/x86_64/apic.h - the local APIC (xAPIC, memory-mapped), each CPU's own
 * interrupt controller: who am I, and interrupts between processors.
 *
 * During the boot the device interrupts come from the 8259 PIC, which reaches the
 * boot CPU through its local APIC's LINT0 line in "virtual wire" mode; lapic_enable
 * keeps that path open on the boot CPU and closes it on the others. Once the MADT
 * has been read, the I/O APIC takes over (irq_controller.h) and the boot CPU's LINT0
 * is masked too. The APIC timer ticks the other CPUs (timer.c).
 */
#ifndef CALF_ARCH_APIC_H
#define CALF_ARCH_APIC_H

#include <stdint.h>
#include <stdbool.h>

/* Where the local APIC's spurious interrupts land (its low 4 bits must be 1s on
 * old parts; 0xff is the customary choice). */
#define VECTOR_APIC_SPURIOUS 0xff

/*
 * Map the local APIC registers at physical base (from the MADT) uncached.
 * Returns false when the window has no room; nothing else may be called then.
 * Every CPU's APIC answers at the same address, each for itself.
 */
bool lapic_map(uint64_t base);

/* Software-enable this CPU's local APIC (spurious-vector register). The boot CPU
 * keeps LINT0 as ExtINT (the PIC) and LINT1 as NMI; the others mask LINT0. */
void lapic_enable(bool boot_cpu);

/* Mask this CPU's LINT0: the boot CPU's, once the I/O APIC replaces the PIC. */
void lapic_mask_lint0(void);
/* Whether vector waits in this CPU's interrupt request register. */
bool lapic_is_pending(uint8_t vector);

/* Whether this CPU's LINT0 (the PIC's line) is masked: true on every AP. */
bool lapic_lint0_masked(void);

/* This CPU's APIC id. */
uint32_t lapic_id(void);

/*
 * Inter-processor interrupts to one APIC id. Each returns once the APIC has sent
 * it, or false if it still had not after about a millisecond of polling.
 * INIT puts the target in wait-for-startup; STARTUP starts it in real mode at
 * physical page * 4096 (page < 0x100); fixed delivers vector normally.
 */
bool lapic_send_init(uint32_t apic_id);
bool lapic_send_startup(uint32_t apic_id, uint8_t page);
bool lapic_send_fixed(uint32_t apic_id, uint8_t vector);
/* An NMI: it wakes a CPU halted with interrupts off (ipi.h's halted waiters). */
bool lapic_send_nmi(uint32_t apic_id);

/* The APIC timer (divided by 16): how many counts pass in period_ns of the PIT
 * clock (interrupts on), and a periodic interrupt every count counts on vector. */
uint32_t lapic_timer_calibrate(uint64_t period_ns);
void lapic_timer_start_periodic(uint32_t count, uint8_t vector);

/* Acknowledge the interrupt being handled (for vectors the APIC delivered). */
void lapic_end_of_interrupt(void);

#endif
