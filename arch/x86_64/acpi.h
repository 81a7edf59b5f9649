/*
 * arch/x86_64/acpi.h - what the firmware's ACPI tables say about the CPUs and
 * interrupt controllers (the MADT, signature "APIC").
 *
 * acpi_read_madt finds the RSDP (the PVH start_info's pointer, else a scan of the
 * EBDA and the BIOS area), follows the XSDT or RSDT to the MADT, checks every
 * checksum on the way, and copies out what SMP and, later, interrupt routing need.
 * It only reads; nothing is programmed here.
 */
#ifndef CALF_ARCH_ACPI_H
#define CALF_ARCH_ACPI_H

#include <stdint.h>
#include <stdbool.h>

#define ACPI_MAX_CPUS		64
#define ACPI_MAX_OVERRIDES	16

/* An ISA interrupt that does not arrive on the I/O APIC pin of its number. */
struct acpi_irq_override {
	uint8_t bus;		/* 0: ISA */
	uint8_t source;		/* the ISA IRQ */
	uint32_t gsi;		/* the global system interrupt it arrives on */
	uint16_t flags;		/* polarity (bits 0-1) and trigger mode (bits 2-3) */
};

struct madt_info {
	const char *rsdp_source;	/* "start_info" or "BIOS area" */
	uint64_t rsdp;			/* physical */
	uint64_t lapic_base;		/* physical; a type-5 entry overrides the header */
	unsigned cpu_count;		/* enabled processors, in table order */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	unsigned cpus_left_out;		/* enabled, but past ACPI_MAX_CPUS */
	bool has_ioapic;		/* the first I/O APIC, if any */
	uint8_t ioapic_id;
	uint64_t ioapic_base;
	uint32_t ioapic_gsi_base;
	unsigned override_count;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
};

/*
 * Fill *info from the MADT. Returns NULL on success, or a short reason ("no RSDP",
 * "MADT checksum wrong", ...) when the tables are missing or broken; then *info is
 * not to be used and the caller should assume a single CPU.
 */
const char *acpi_read_madt(struct madt_info *info);

#endif
