/*
 * arch/x86_64/long_mode.h - from 32-bit protected mode to long mode, for assembly.
 *
 * Both ways into the kernel take this step: the boot CPU from the PVH entry
 * (boot.S) and every other CPU from its real-mode trampoline (trampoline.S).
 * ENTER_LONG_MODE takes the physical address of a 4-level table in %eax and, with
 * paging still off, loads it, turns on PAE, long mode and no-execute (the kernel's
 * entries carry NX, a reserved bit without EFER.NXE), then paging with WP (so the
 * kernel honours read-only entries). The caller's next instruction must be mapped
 * at its current address by that table, and a far jump to a 64-bit code segment
 * follows.
 */
#ifndef CALF_ARCH_LONG_MODE_H
#define CALF_ARCH_LONG_MODE_H

#ifdef __ASSEMBLER__
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

.macro ENTER_LONG_MODE
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0
.endm

/* The first thing in 64-bit code after that far jump: the kernel's data segment
 * (selector 0x18 in both the boot and the trampoline GDT) in ds, es and ss; fs
 * and gs null until their bases are set. */
.macro LOAD_KERNEL_DATA_SEGMENTS
	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
.endm
#endif

#endif
