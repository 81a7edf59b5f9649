/*
 * arch/x86_64/gdt.h - segments and the task state segment.
 *
 * The selector values match Linux's, because user programs can see them (in signal
 * frames, and %cs/%ss in ptrace): kernel code 0x10, kernel data 0x18, 32-bit user
 * code 0x23, user data 0x2b, user code 0x33. The syscall/sysret MSRs rely on this
 * order (STAR: kernel base 0x10, user base 0x23).
 */
#ifndef CALF_ARCH_GDT_H
#define CALF_ARCH_GDT_H

#define SEL_KERNEL_CODE	0x10
#define SEL_KERNEL_DATA	0x18
#define SEL_USER32_CODE	0x23
#define SEL_USER_DATA	0x2b
#define SEL_USER_CODE	0x33
#define SEL_TSS		0x40

#define IST_DOUBLE_FAULT 1
#define IST_NMI		 2
#define IST_STACK_SIZE	 8192

#define GDT_ENTRIES	10	/* 8 segments, then the TSS's two slots */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* rsp[0]: stack for entries from user mode */
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[n-1] is IST n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* One CPU's descriptor tables; every CPU needs its own TSS (the busy bit, the
 * stacks), and so its own GDT to point at it. */
struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
} __attribute__((aligned(16)));

struct cpu;

/* Load the GDT and TSS for the boot CPU, and its per-CPU area. */
void gdt_init(void);

/* Fill and load this CPU's GDT and TSS (IST stacks at the given tops) and
 * record the TSS in cpu; gdt_init does this for the boot CPU, smp.c for the others. */
void gdt_load_cpu(struct cpu_tables *tables, struct cpu *cpu, uint64_t double_fault_top,
		  uint64_t nmi_top);

/* The stack the CPU switches to on an interrupt from user mode. */
void tss_set_kernel_stack(uint64_t top);
#endif

#endif
