/*
 * arch/x86_64/percpu.h - the per-CPU area, reached through %gs in the kernel.
 *
 * The field offsets are ABI with entry code (syscall entry reads kernel_stack_top
 * and saves the user stack pointer through %gs), so keep the first three in place.
 */
#ifndef CALF_ARCH_PERCPU_H
#define CALF_ARCH_PERCPU_H

#define PERCPU_SELF		0
#define PERCPU_KERNEL_STACK	8
#define PERCPU_USER_RSP		16

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct tss;

struct cpu {
	struct cpu *self;		/* %gs:0, so C can find the area */
	uint64_t kernel_stack_top;	/* %gs:8, loaded by syscall entry */
	uint64_t user_rsp;		/* %gs:16, scratch for syscall entry */
	unsigned id;			/* 0 = boot CPU, then the order started */
	uint32_t apic_id;		/* read from its own local APIC (smp.c) */
	struct tss *tss;
	void *current;			/* the running task (sched/task.h) */
	bool need_resched;		/* its slice is over (sched/sched.c) */
};

/* Point %gs at this CPU's area. */
void percpu_init(struct cpu *cpu, unsigned id);

/* The boot CPU's, first thing in kernel_main: spinlocks (printk's too) record their
 * holder through %gs. gdt_init sets it again after loading the segments. */
void percpu_boot_init(void);

static inline struct cpu *this_cpu(void)
{
	struct cpu *cpu;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(cpu));
	return cpu;
}
#endif

#endif
