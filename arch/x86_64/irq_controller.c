/*
 * arch/x86_64/irq_controller.c - the ISA lines through the 8259 or the I/O APIC.
 */
#include "arch/x86_64/irq_controller.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"

static bool through_ioapic;
static uint32_t destination;	/* the APIC id the I/O APIC sends to */
static uint16_t unmasked;	/* lines with a handler, whichever controller */

void irq_line_unmask(unsigned irq)
{
	unmasked |= 1u << irq;
	if (through_ioapic)
		ioapic_route_isa(irq, VECTOR_IRQ_BASE + irq, destination);
	else
		pic_unmask(irq);
}

void irq_line_mask(unsigned irq)
{
	unmasked &= ~(1u << irq);
	if (through_ioapic)
		ioapic_mask_isa(irq);
	else
		pic_mask(irq);
}

void irq_line_end_of_interrupt(unsigned irq)
{
	if (through_ioapic)
		lapic_end_of_interrupt();
	else
		pic_end_of_interrupt(irq);
}

bool irq_line_is_spurious(unsigned irq)
{
	return !through_ioapic && pic_is_spurious(irq);
}

bool irq_line_is_pending(unsigned irq)
{
	return through_ioapic ? lapic_is_pending(VECTOR_IRQ_BASE + irq) : pic_is_pending(irq);
}

bool irq_controller_use_ioapic(const struct madt_info *madt, uint32_t boot_apic_id)
{
	if (!ioapic_init(madt))
		return false;
	for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
		pic_mask(irq);
	lapic_mask_lint0();
	destination = boot_apic_id;
	through_ioapic = true;
	for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
		if (unmasked & (1u << irq))
			ioapic_route_isa(irq, VECTOR_IRQ_BASE + irq, destination);
	return true;
}

const char *irq_controller_name(void)
{
	return through_ioapic ? "I/O APIC" : "8259";
}
