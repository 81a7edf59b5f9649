/*
 * arch/x86_64/gdt.c - the global descriptor table, the TSS and the per-CPU area.
 */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

/* Descriptor bits: present, DPL, code/data, executable, long mode, 4 KiB granularity. */
#define DESC_CODE64(dpl) (0x00af9a000000ffffull | ((uint64_t)(dpl) << 45))
#define DESC_CODE32(dpl) (0x00cf9a000000ffffull | ((uint64_t)(dpl) << 45))
#define DESC_DATA(dpl)   (0x00cf92000000ffffull | ((uint64_t)(dpl) << 45))

static struct cpu_tables boot_tables;
static struct cpu boot_cpu;
static uint8_t double_fault_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t nmi_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* A 64-bit TSS descriptor takes two GDT slots. */
static void set_tss_descriptor(uint64_t *gdt, unsigned slot, struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		    (0x89ull << 40) |		/* present, 64-bit available TSS */
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
}

static void load_gdt(uint64_t *gdt)
{
	struct descriptor_pointer pointer = { GDT_ENTRIES * 8 - 1, (uint64_t)gdt };

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"			/* reload %cs with a far return */
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		: : "m"(pointer), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA) : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
}

void gdt_load_cpu(struct cpu_tables *tables, struct cpu *cpu, uint64_t double_fault_top,
		  uint64_t nmi_top)
{
	uint64_t *gdt = tables->gdt;
	struct tss *tss = &tables->tss;

	gdt[0] = 0;
	gdt[1] = DESC_CODE32(0);		/* 0x08: unused, keeps Linux's numbering */
	gdt[2] = DESC_CODE64(0);		/* 0x10 */
	gdt[3] = DESC_DATA(0);			/* 0x18 */
	gdt[4] = DESC_CODE32(3);		/* 0x23 */
	gdt[5] = DESC_DATA(3);			/* 0x2b */
	gdt[6] = DESC_CODE64(3);		/* 0x33 */
	gdt[7] = 0;
	memset(tss, 0, sizeof(*tss));
	tss->ist[IST_DOUBLE_FAULT - 1] = double_fault_top;
	tss->ist[IST_NMI - 1] = nmi_top;
	tss->iomap_base = sizeof(*tss);	/* no I/O bitmap: user has no ports */
	set_tss_descriptor(gdt, SEL_TSS / 8, tss);
	load_gdt(gdt);
	cpu->tss = tss;
}

void gdt_init(void)
{
	gdt_load_cpu(&boot_tables, &boot_cpu, (uint64_t)double_fault_stack + IST_STACK_SIZE,
		     (uint64_t)nmi_stack + IST_STACK_SIZE);
	percpu_init(&boot_cpu, 0);
}

void percpu_boot_init(void)
{
	percpu_init(&boot_cpu, 0);
}

void percpu_init(struct cpu *cpu, unsigned id)
{
	cpu->self = cpu;
	cpu->id = id;
	wrmsr(MSR_GS_BASE, (uint64_t)cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void tss_set_kernel_stack(uint64_t top)
{
	this_cpu()->tss->rsp[0] = top;
	this_cpu()->kernel_stack_top = top;
}
