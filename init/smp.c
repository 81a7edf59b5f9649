/*
 * init/smp.c - the policy around arch/x86_64/smp.c: which CPUs to start, the
 * memory they get, and what the log says.
 */
#include "init/smp.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_identity.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/irq_controller.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

#define BOOT_TABLE_FRAMES 3

static struct madt_info madt;
static unsigned cpus_listed = 1;
static struct page *boot_table_frames[BOOT_TABLE_FRAMES];

bool smp_boot_tables_held(void)
{
	return boot_table_frames[0] != NULL;
}

unsigned smp_cpus_listed(void)
{
	return cpus_listed;
}

static void log_madt(void)
{
	char overrides[ACPI_MAX_OVERRIDES * 24 + 1] = "";
	unsigned length = 0;

	for (unsigned i = 0; i < madt.override_count; i++)
		length += snprintf(overrides + length, sizeof(overrides) - length, " %u->%u/%#x",
				   madt.overrides[i].source, madt.overrides[i].gsi,
				   madt.overrides[i].flags);
	printk("acpi: RSDP at %#lx (%s); MADT: local APIC at %#lx, %u CPU%s\n", madt.rsdp,
	       madt.rsdp_source, madt.lapic_base, madt.cpu_count, madt.cpu_count == 1 ? "" : "s");
	if (madt.has_ioapic)
		printk("acpi: I/O APIC %u at %#lx, GSI base %u; ISA IRQ overrides "
		       "(IRQ->GSI/flags):%s\n", madt.ioapic_id, madt.ioapic_base,
		       madt.ioapic_gsi_base, madt.override_count ? overrides : " none");
	if (madt.cpus_left_out)
		printk("acpi: %u more CPUs listed than calf keeps (%u); left out\n",
		       madt.cpus_left_out, ACPI_MAX_CPUS);
}

/* Three zeroed frames below 4 GiB for the temporary tables, or false. */
static bool take_boot_tables(struct smp_boot_tables *tables)
{
	uint64_t phys[BOOT_TABLE_FRAMES];

	for (unsigned i = 0; i < BOOT_TABLE_FRAMES; i++) {
		boot_table_frames[i] = frame_alloc(PAGE_KERNEL, FRAME_ZERO);
		if (!boot_table_frames[i])
			return false;
		phys[i] = page_to_phys(boot_table_frames[i]);
		if (phys[i] >> 32)
			return false;
	}
	*tables = (struct smp_boot_tables){ phys[0], phys[1], phys[2] };
	return true;
}

static void give_back_boot_tables(void)
{
	for (unsigned i = 0; i < BOOT_TABLE_FRAMES; i++) {
		if (boot_table_frames[i])
			frame_put(boot_table_frames[i]);
		boot_table_frames[i] = NULL;
	}
}

/*
 * What CPU id says it is, read on that CPU (an AP's through a remote call) and kept
 * for /proc/cpuinfo. Without the memory for it the CPU is left out of
 * /proc/cpuinfo, and the log says so.
 */
static void record_identity(unsigned id)
{
	struct cpu_identity *identity = kzalloc(sizeof(*identity));

	if (identity && id == this_cpu()->id)
		cpu_identity_read(identity);
	else if (identity && !ipi_call(id, cpu_identity_read, identity)) {
		kfree(identity);
		identity = NULL;
	}
	if (!identity) {
		printk("smp: could not record what CPU %u is; /proc/cpuinfo leaves it out\n", id);
		return;
	}
	cpu_identity_set(id, identity);
}

static void log_boot_cpu(void)
{
	const struct cpu_identity *c = cpu_identity(this_cpu()->id);

	if (c)
		printk("cpu: %s family %u model %u stepping %u (%s), microcode %#x\n",
		       c->vendor, c->family, c->model, c->stepping,
		       c->model_name[0] ? c->model_name : "no brand string", c->microcode);
}

static const char *result_name(enum ap_start_result result)
{
	return result == AP_IPI_NOT_SENT ? "the local APIC did not send the IPIs"
					 : "no answer within the timeout";
}

/* Start one AP as CPU id; false (logged) when it stays offline. */
static bool start_one(unsigned id, uint32_t apic_id)
{
	struct ap_memory *memory = kzalloc(sizeof(*memory));

	if (!memory) {
		printk("smp: no memory for the CPU with APIC id %u; left out\n", apic_id);
		return false;
	}
	enum ap_start_result result = smp_start_ap(id, apic_id, memory);
	if (result == AP_ONLINE)
		return true;
	printk("smp: CPU with APIC id %u did not come online (%s); left out\n", apic_id,
	       result_name(result));
	kfree(memory);	/* it was sent INIT again: it no longer touches this */
	return false;
}

static void start_aps(void)
{
	struct smp_boot_tables tables;
	uint32_t self = this_cpu()->apic_id;
	unsigned next = 1;

	if (!take_boot_tables(&tables)) {
		printk("smp: no frames below 4 GiB for the start-up tables; one CPU\n");
		give_back_boot_tables();
		return;
	}
	smp_install_trampoline(&tables);
	for (unsigned i = 0; i < madt.cpu_count; i++) {
		uint32_t apic_id = madt.apic_ids[i];
		if (apic_id == self)
			continue;
		if (apic_id > 0xff || next == SMP_MAX_CPUS) {
			printk("smp: CPU with APIC id %u is beyond what calf starts; left out\n",
			       apic_id);
			continue;
		}
		if (start_one(next, apic_id))
			record_identity(next++);
	}
	/* Every AP is online (on the kernel's tables) or was sent INIT: none uses
	 * the temporary tables any more. */
	smp_remove_trampoline();
	give_back_boot_tables();
}

static void log_online(void)
{
	char ids[SMP_MAX_CPUS * 11 + 1];
	unsigned length = 0, count = smp_cpus_online();

	ids[0] = '\0';
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		struct cpu *cpu = smp_cpu(id);
		if (cpu)
			length += snprintf(ids + length, sizeof(ids) - length, " %u", cpu->apic_id);
	}
	printk("smp: %u CPU%s online (APIC ids%s)\n", count, count == 1 ? "" : "s", ids);
}

/*
 * The ISA interrupts through the I/O APIC from now on, still to the boot CPU (one
 * CPU's tick keeps the clock; the serial ports need no more). `noapic` on the
 * command line keeps the 8259, as it does on Linux.
 */
static void use_ioapic(void)
{
	if (cmdline_has("noapic")) {
		printk("irq: noapic: the ISA interrupts stay on the 8259\n");
		return;
	}
	uint64_t flags = irq_save();
	bool done = irq_controller_use_ioapic(&madt, lapic_id());
	irq_restore(flags);
	if (done)
		printk("irq: the ISA interrupts come through the I/O APIC (the PIT's on "
		       "GSI %u), the 8259 masked\n", ioapic_isa_gsi(IRQ_TIMER));
	else
		printk("irq: no usable I/O APIC; the ISA interrupts stay on the 8259\n");
}

void smp_init(void)
{
	const char *problem = acpi_read_madt(&madt);

	if (!problem) {
		log_madt();
		if (!lapic_map(madt.lapic_base))
			problem = "no room to map the local APIC";
	}
	if (problem) {
		printk("smp: %s; running on one CPU\n", problem);
		smp_boot_cpu_online(0);		/* its APIC id unknown, and unused */
		record_identity(0);
		log_boot_cpu();
		log_online();
		return;
	}
	cpus_listed = madt.cpu_count;
	lapic_enable(true);
	use_ioapic();
	smp_boot_cpu_online(lapic_id());
	record_identity(0);
	log_boot_cpu();
	if (madt.cpu_count > 1)
		start_aps();
	log_online();
	if (smp_cpus_online() > 1) {
		timer_calibrate_local();
		printk("smp: APIC timer: %u counts per tick\n", timer_local_counts_per_tick());
	}
}
