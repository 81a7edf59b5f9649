/*
 * arch/x86_64/irq_controller.h - whichever controller brings the ISA interrupt
 * lines (0..15, on vectors VECTOR_IRQ_BASE + line): the 8259 from the boot, the
 * I/O APIC once the MADT has shown one (irq_controller_use_ioapic, from
 * smp_init). trap.c and timer.c go through these calls and need not know which.
 */
#ifndef CALF_ARCH_IRQ_CONTROLLER_H
#define CALF_ARCH_IRQ_CONTROLLER_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/acpi.h"

void irq_line_unmask(unsigned irq);
void irq_line_mask(unsigned irq);
/* Acknowledge line irq's interrupt, being handled. */
void irq_line_end_of_interrupt(unsigned irq);
/* An interrupt on line irq nobody raised (the 8259's lines 7 and 15). */
bool irq_line_is_spurious(unsigned irq);
/* Whether line irq has an interrupt waiting that this CPU has not taken yet. */
bool irq_line_is_pending(unsigned irq);

/*
 * Move every unmasked line from the 8259 (masked for good, and the boot CPU's
 * LINT0 with it) to the I/O APIC, delivered to the CPU with APIC id
 * boot_apic_id. Interrupts off. False, and nothing changed, without a usable
 * I/O APIC.
 */
bool irq_controller_use_ioapic(const struct madt_info *madt, uint32_t boot_apic_id);
/* "8259" or "I/O APIC". */
const char *irq_controller_name(void);

#endif
