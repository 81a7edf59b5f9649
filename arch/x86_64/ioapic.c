/*
 * arch/x86_64/ioapic.c - the I/O APIC through its two memory-mapped registers
 * (an index and a window; the register numbers and redirection-entry fields are
 * the 82093AA datasheet's, the override flags ACPI's MPS INTI flags).
 */
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/paging.h"

#define REG_SELECT	0x00	/* byte offsets of the two MMIO registers */
#define REG_WINDOW	0x10
#define IOAPIC_VERSION	0x01	/* bits 16-23: the highest pin number */
#define IOAPIC_ENTRY(pin)	(0x10 + 2 * (pin))	/* low half; high half + 1 */

#define ENTRY_MASKED	(1u << 16)
#define ENTRY_LEVEL	(1u << 15)
#define ENTRY_ACTIVE_LOW (1u << 13)
#define ENTRY_DEST_SHIFT 24	/* in the high half: the destination APIC id */

/* MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3 (0: the bus's). */
#define INTI_POLARITY_LOW	3
#define INTI_TRIGGER_LEVEL	(3 << 2)

#define ISA_LINES 16

static volatile uint32_t *ioapic;
static uint32_t gsi_base;
static unsigned pins;
static struct {
	uint32_t gsi;
	uint32_t mode;	/* ENTRY_LEVEL, ENTRY_ACTIVE_LOW: what the override says */
} isa[ISA_LINES];

static uint32_t read_reg(unsigned reg)
{
	ioapic[REG_SELECT / 4] = reg;
	return ioapic[REG_WINDOW / 4];
}

static void write_reg(unsigned reg, uint32_t value)
{
	ioapic[REG_SELECT / 4] = reg;
	ioapic[REG_WINDOW / 4] = value;
}

static void write_entry(unsigned pin, uint32_t low, uint32_t apic_id)
{
	/* Masked while half written, so no half-set entry ever fires. */
	write_reg(IOAPIC_ENTRY(pin), ENTRY_MASKED);
	write_reg(IOAPIC_ENTRY(pin) + 1, apic_id << ENTRY_DEST_SHIFT);
	write_reg(IOAPIC_ENTRY(pin), low);
}

static void apply_overrides(const struct madt_info *madt)
{
	for (unsigned irq = 0; irq < ISA_LINES; irq++) {
		isa[irq].gsi = irq;
		isa[irq].mode = 0;	/* ISA: edge-triggered, active high */
	}
	for (unsigned i = 0; i < madt->override_count; i++) {
		const struct acpi_irq_override *o = &madt->overrides[i];
		if (o->bus != 0 || o->source >= ISA_LINES)
			continue;
		isa[o->source].gsi = o->gsi;
		isa[o->source].mode =
			((o->flags & 3) == INTI_POLARITY_LOW ? ENTRY_ACTIVE_LOW : 0) |
			((o->flags & (3 << 2)) == INTI_TRIGGER_LEVEL ? ENTRY_LEVEL : 0);
	}
}

bool ioapic_init(const struct madt_info *madt)
{
	if (!madt->has_ioapic || !(ioapic = paging_map_mmio(madt->ioapic_base, 4096)))
		return false;
	gsi_base = madt->ioapic_gsi_base;
	pins = ((read_reg(IOAPIC_VERSION) >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < pins; pin++)
		write_entry(pin, ENTRY_MASKED, 0);
	apply_overrides(madt);
	return true;
}

/* The pin of ISA line irq, or -1 when this I/O APIC does not have it. */
static int isa_pin(unsigned irq)
{
	if (irq >= ISA_LINES || isa[irq].gsi < gsi_base || isa[irq].gsi - gsi_base >= pins)
		return -1;
	return (int)(isa[irq].gsi - gsi_base);
}

void ioapic_route_isa(unsigned irq, uint8_t vector, uint32_t apic_id)
{
	int pin = isa_pin(irq);

	if (pin >= 0)
		write_entry(pin, isa[irq].mode | vector, apic_id);
}

void ioapic_mask_isa(unsigned irq)
{
	int pin = isa_pin(irq);

	if (pin >= 0)
		write_entry(pin, ENTRY_MASKED, 0);
}

uint32_t ioapic_isa_gsi(unsigned irq)
{
	return irq < ISA_LINES ? isa[irq].gsi : irq;
}
