/*
 * arch/x86_64/ioapic.h - the I/O APIC: the ISA interrupts (the PIT, the serial
 * ports) delivered as messages to a local APIC instead of through the 8259.
 *
 * ioapic_init maps the first I/O APIC the MADT lists and masks every pin; then
 * each ISA line is routed where the MADT's overrides say it is wired (the PIT's
 * IRQ 0 arrives on GSI 2 on QEMU's pc machine), with their polarity and trigger,
 * else on the pin of its own number, edge-triggered and active high as ISA is.
 * The interrupt is acknowledged at the local APIC (lapic_end_of_interrupt).
 */
#ifndef CALF_ARCH_IOAPIC_H
#define CALF_ARCH_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/acpi.h"

/* Map it and mask every pin; false (nothing changed) when it cannot be used. */
bool ioapic_init(const struct madt_info *madt);
/* Send ISA line irq to the local APIC apic_id as vector, or mask it. */
void ioapic_route_isa(unsigned irq, uint8_t vector, uint32_t apic_id);
void ioapic_mask_isa(unsigned irq);
/* The GSI line irq arrives on (for the log). */
uint32_t ioapic_isa_gsi(unsigned irq);

#endif
