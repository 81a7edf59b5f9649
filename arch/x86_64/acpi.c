/*
 * arch/x86_64/acpi.c - finding the MADT and reading it (layouts from the ACPI
 * specification, chapter 5.2).
 *
 * The tables are read where the firmware left them. Low memory and the RAM the
 * direct map covers are read through it; a table above the direct map's end is
 * mapped through the MMIO window (uncached, slower, but read only once at boot).
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/paging.h"
#include "lib/string.h"

#define EBDA_SEGMENT_POINTER	0x40e	/* BIOS data area: the EBDA's real-mode segment */
#define EBDA_SCAN_BYTES		1024
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000
#define RSDP_ALIGN		16
#define MAX_TABLE_BYTES		(1u << 20)	/* a sanity bound on a table's length */

#define MADT_LOCAL_APIC		0
#define MADT_IO_APIC		1
#define MADT_IRQ_OVERRIDE	2
#define MADT_LAPIC_ADDRESS	5
#define MADT_LOCAL_X2APIC	9
#define MADT_CPU_ENABLED	(1u << 0)

struct rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0, RSDT only; 2: XSDT too */
	uint32_t rsdt;
	uint32_t length;		/* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t extended_checksum;	/* over `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;		/* header included */
	uint8_t revision;
	uint8_t checksum;		/* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct madt {
	struct sdt_header header;
	uint32_t lapic_address;
	uint32_t flags;
	uint8_t entries[];		/* {type, length, ...}, to header.length */
} __attribute__((packed));

/* A pointer to physical memory, through the direct map when it covers it. */
static const void *acpi_map(uint64_t phys, uint64_t size)
{
	if (phys + size <= paging_direct_map_end())
		return phys_to_virt(phys);
	return paging_map_mmio(phys, size);
}

static bool sums_to_zero(const void *bytes, uint64_t length)
{
	const uint8_t *p = bytes;
	uint8_t sum = 0;

	for (uint64_t i = 0; i < length; i++)
		sum += p[i];
	return sum == 0;
}

static bool valid_rsdp(uint64_t phys)
{
	const struct rsdp *rsdp = acpi_map(phys, sizeof(*rsdp));

	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !sums_to_zero(rsdp, 20))
		return false;
	if (rsdp->revision < 2)
		return true;
	if (rsdp->length < sizeof(*rsdp) || rsdp->length > 4096)
		return false;
	rsdp = acpi_map(phys, rsdp->length);	/* the extended checksum covers all of it */
	return rsdp && sums_to_zero(rsdp, rsdp->length);
}

/* The first valid RSDP on a 16-byte boundary in [start, end), or 0. */
static uint64_t scan_for_rsdp(uint64_t start, uint64_t end)
{
	for (uint64_t phys = start; phys + sizeof(struct rsdp) <= end; phys += RSDP_ALIGN)
		if (valid_rsdp(phys))
			return phys;
	return 0;
}

static uint64_t find_rsdp(const char **source)
{
	if (boot_info.rsdp && valid_rsdp(boot_info.rsdp)) {
		*source = "start_info";
		return boot_info.rsdp;
	}
	*source = "BIOS area";
	uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_virt(EBDA_SEGMENT_POINTER) << 4;
	uint64_t found = 0;
	if (ebda >= 0x80000 && ebda < BIOS_AREA_START)
		found = scan_for_rsdp(ebda, ebda + EBDA_SCAN_BYTES);
	return found ? found : scan_for_rsdp(BIOS_AREA_START, BIOS_AREA_END);
}

/* The table at phys if it is whole and its checksum holds, else NULL. */
static const struct sdt_header *map_table(uint64_t phys)
{
	const struct sdt_header *header = acpi_map(phys, sizeof(*header));

	if (!header || header->length < sizeof(*header) || header->length > MAX_TABLE_BYTES)
		return NULL;
	header = acpi_map(phys, header->length);
	if (!header || !sums_to_zero(header, header->length))
		return NULL;
	return header;
}

/* The table with this signature listed by the XSDT (8-byte entries) or RSDT (4). */
static const struct sdt_header *find_table(const struct sdt_header *root, unsigned entry_size,
					   const char *signature)
{
	const uint8_t *entries = (const uint8_t *)(root + 1);
	unsigned count = (root->length - sizeof(*root)) / entry_size;

	for (unsigned i = 0; i < count; i++) {
		uint64_t phys = 0;
		memcpy(&phys, entries + (uint64_t)i * entry_size, entry_size);
		const struct sdt_header *table = map_table(phys);
		if (table && memcmp(table->signature, signature, 4) == 0)
			return table;
	}
	return NULL;
}

static void add_cpu(struct madt_info *info, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & MADT_CPU_ENABLED))
		return;		/* absent, or only "online capable": not ours to start */
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (info->apic_ids[i] == apic_id)
			return;	/* listed both as xAPIC and x2APIC */
	if (info->cpu_count == ACPI_MAX_CPUS) {
		info->cpus_left_out++;
		return;
	}
	info->apic_ids[info->cpu_count++] = apic_id;
}

/* One MADT entry; entry[1] (its length) has been checked against the table. */
static void read_entry(struct madt_info *info, const uint8_t *entry)
{
	uint32_t u32;
	uint64_t u64;

	switch (entry[0]) {
	case MADT_LOCAL_APIC:		/* uid, apic id, flags */
		if (entry[1] >= 8) {
			memcpy(&u32, entry + 4, 4);
			add_cpu(info, entry[3], u32);
		}
		break;
	case MADT_LOCAL_X2APIC:		/* reserved, x2apic id, flags, uid */
		if (entry[1] >= 16) {
			memcpy(&u64, entry + 4, 8);
			add_cpu(info, (uint32_t)u64, (uint32_t)(u64 >> 32));
		}
		break;
	case MADT_IO_APIC:		/* id, reserved, address, gsi base */
		if (entry[1] >= 12 && !info->has_ioapic) {
			info->has_ioapic = true;
			info->ioapic_id = entry[2];
			memcpy(&u32, entry + 4, 4);
			info->ioapic_base = u32;
			memcpy(&info->ioapic_gsi_base, entry + 8, 4);
		}
		break;
	case MADT_IRQ_OVERRIDE:		/* bus, source, gsi, flags */
		if (entry[1] >= 10 && info->override_count < ACPI_MAX_OVERRIDES) {
			struct acpi_irq_override *o = &info->overrides[info->override_count++];
			o->bus = entry[2];
			o->source = entry[3];
			memcpy(&o->gsi, entry + 4, 4);
			memcpy(&o->flags, entry + 8, 2);
		}
		break;
	case MADT_LAPIC_ADDRESS:	/* reserved, 64-bit address */
		if (entry[1] >= 12) {
			memcpy(&u64, entry + 4, 8);
			info->lapic_base = u64;
		}
		break;
	}
}

static const char *read_madt(struct madt_info *info, const struct madt *madt)
{
	const uint8_t *entry = madt->entries;
	const uint8_t *end = (const uint8_t *)madt + madt->header.length;

	if (madt->header.length < sizeof(*madt))
		return "MADT too short";
	info->lapic_base = madt->lapic_address;
	while (entry + 2 <= end) {
		if (entry[1] < 2 || entry + entry[1] > end)
			return "MADT entry with a bad length";
		read_entry(info, entry);
		entry += entry[1];
	}
	if (info->cpu_count == 0)
		return "MADT lists no enabled processor";
	if (info->lapic_base == 0 || (info->lapic_base & 0xfff))
		return "MADT gives no usable local APIC address";
	return NULL;
}

const char *acpi_read_madt(struct madt_info *info)
{
	memset(info, 0, sizeof(*info));
	info->rsdp = find_rsdp(&info->rsdp_source);
	if (!info->rsdp)
		return "no ACPI RSDP found";
	const struct rsdp *rsdp = acpi_map(info->rsdp, sizeof(*rsdp));

	const struct sdt_header *root = NULL;
	unsigned entry_size = 8;
	if (rsdp->revision >= 2 && rsdp->xsdt)
		root = map_table(rsdp->xsdt);
	if (root && memcmp(root->signature, "XSDT", 4) != 0)
		root = NULL;
	if (!root) {
		entry_size = 4;
		root = map_table(rsdp->rsdt);
		if (root && memcmp(root->signature, "RSDT", 4) != 0)
			root = NULL;
	}
	if (!root)
		return "ACPI RSDT/XSDT missing or checksum wrong";
	const struct sdt_header *madt = find_table(root, entry_size, "APIC");
	if (!madt)
		return "no valid MADT (missing or checksum wrong)";
	return read_madt(info, (const struct madt *)madt);
}
