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

/* Load the GDT and TSS for the boot CPU, and its per-CPU area. */
void gdt_init(void);

/* The stack the CPU switches to on an interrupt from user mode. */
void tss_set_kernel_stack(uint64_t top);
#endif

#endif
