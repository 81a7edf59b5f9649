/*
 * arch/x86_64/smp.c - starting the application processors with INIT, STARTUP,
 * STARTUP (the sequence of the Intel SDM vol. 3, 9.4 and the MP specification),
 * and what each does once it reaches C: become a CPU like the boot CPU, say so,
 * and park.
 */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"

#define INIT_DELAY_NS		10000000ull	/* 10 ms after INIT */
#define STARTUP_DELAY_NS	200000ull	/* 200 us after each STARTUP */

extern char trampoline_start[], trampoline_end[], trampoline_params[];

struct trampoline_params {
	uint32_t temp_cr3;
	uint32_t unused;
	uint64_t kernel_cr3;
	uint64_t stack_top;
	uint64_t argument;
};
_Static_assert(__builtin_offsetof(struct trampoline_params, kernel_cr3) == TP_KERNEL_CR3 &&
	       __builtin_offsetof(struct trampoline_params, stack_top) == TP_STACK_TOP &&
	       __builtin_offsetof(struct trampoline_params, argument) == TP_ARGUMENT &&
	       sizeof(struct trampoline_params) == TP_SIZE, "trampoline.S's TP_* offsets");

static uint64_t online_mask;
bool smp_several_cpus;
static struct cpu *cpus[SMP_MAX_CPUS];

/* The parameter block in the copy at TRAMPOLINE_PHYS. */
static volatile struct trampoline_params *params(void)
{
	return phys_to_virt(TRAMPOLINE_PHYS + (uint64_t)(trampoline_params - trampoline_start));
}

static void delay_ns(uint64_t ns)
{
	uint64_t end = clock_monotonic_ns() + ns;

	while (clock_monotonic_ns() < end)
		cpu_relax();
}

void smp_boot_cpu_online(uint32_t apic_id)
{
	struct cpu *cpu = this_cpu();

	cpu->apic_id = apic_id;
	cpus[cpu->id] = cpu;
	__atomic_or_fetch(&online_mask, 1ul << cpu->id, __ATOMIC_RELEASE);
}

void smp_install_trampoline(const struct smp_boot_tables *tables)
{
	uint64_t *pml4 = phys_to_virt(tables->pml4);
	uint64_t *pdpt = phys_to_virt(tables->pdpt);
	uint64_t *pd = phys_to_virt(tables->pd);
	const uint64_t *kernel = phys_to_virt(paging_kernel_root());
	uint64_t size = (uint64_t)(trampoline_end - trampoline_start);

	if (size > 4096 || (tables->pml4 >> 32))
		arch_fatal(NULL, "smp: trampoline of %lu bytes, temporary table at %#lx",
			   size, tables->pml4);
	for (unsigned i = 256; i < 512; i++)	/* the kernel half, shared */
		pml4[i] = kernel[i];
	pml4[0] = tables->pdpt | PTE_PRESENT | PTE_WRITE;
	pdpt[0] = tables->pd | PTE_PRESENT | PTE_WRITE;
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;	/* physical 0..2 MiB, executable */

	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, size);
	params()->temp_cr3 = (uint32_t)tables->pml4;
	params()->kernel_cr3 = paging_kernel_root();
}

void smp_remove_trampoline(void)
{
	params()->temp_cr3 = 0;
}

uint64_t smp_trampoline_cr3(void)
{
	return params()->temp_cr3;
}

static bool is_online(unsigned id)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & (1ul << id);
}

static bool wait_online(unsigned id, uint64_t timeout_ns)
{
	uint64_t deadline = clock_monotonic_ns() + timeout_ns;

	while (!is_online(id)) {
		if (clock_monotonic_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

enum ap_start_result smp_start_ap(unsigned id, uint32_t apic_id, struct ap_memory *memory)
{
	memory->cpu.id = id;
	params()->stack_top = (uint64_t)memory->stack + AP_STACK_SIZE;
	params()->argument = (uint64_t)memory;

	/* The writes above reach memory before the IPI: x86 keeps stores in order,
	 * and the ICR write that sends it is one of them (uncached). */
	if (!lapic_send_init(apic_id))
		return AP_IPI_NOT_SENT;
	delay_ns(INIT_DELAY_NS);
	for (int i = 0; i < 2 && !is_online(id); i++) {
		if (!lapic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12))
			return AP_IPI_NOT_SENT;
		delay_ns(STARTUP_DELAY_NS);
	}
	if (wait_online(id, AP_START_TIMEOUT_MS * 1000000ull))
		return AP_ONLINE;
	/* Stop it wherever it got to, so it stops using the trampoline and *memory. */
	lapic_send_init(apic_id);
	return AP_NO_ANSWER;
}

uint64_t smp_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

unsigned smp_cpus_online(void)
{
	unsigned count = 0;

	/* No popcnt: -cpu max has it, but gcc would call libgcc for the generic case. */
	for (uint64_t mask = smp_online_mask(); mask; mask &= mask - 1)
		count++;
	return count;
}

struct cpu *smp_cpu(unsigned id)
{
	if (id >= SMP_MAX_CPUS || !is_online(id))
		return NULL;
	return cpus[id];
}

static void (*ap_entry)(void);

void smp_release_aps(void (*entry)(void))
{
	__atomic_store_n(&ap_entry, entry, __ATOMIC_RELEASE);
	for (unsigned id = 1; id < SMP_MAX_CPUS; id++)
		if (smp_cpu(id))
			ipi_wake(id);
}

/*
 * Until smp_release_aps, nothing to run, but IPIs to answer (TLB shootdowns,
 * remote calls): sleep with interrupts on. Only IPIs arrive: LINT0 is masked, so
 * the PIC reaches the boot CPU alone, and no APIC timer is armed yet.
 */
static void __attribute__((noreturn)) park(void)
{
	for (;;) {
		void (*entry)(void) = __atomic_load_n(&ap_entry, __ATOMIC_ACQUIRE);
		if (entry)
			entry();
		cpu_idle();
	}
}

void smp_ap_main(struct ap_memory *memory)
{
	struct cpu *cpu = &memory->cpu;

	cpu_enable_protections();
	gdt_load_cpu(&memory->tables, cpu,
		     (uint64_t)memory->double_fault_stack + IST_STACK_SIZE,
		     (uint64_t)memory->nmi_stack + IST_STACK_SIZE);
	percpu_init(cpu, cpu->id);
	idt_load();
	syscall_init();
	lapic_enable(false);
	cpu->apic_id = lapic_id();
	cpus[cpu->id] = cpu;
	__atomic_store_n(&smp_several_cpus, true, __ATOMIC_RELEASE);
	__atomic_or_fetch(&online_mask, 1ul << cpu->id, __ATOMIC_RELEASE);
	park();
}
