/*
 * arch/x86_64/trampoline.S - where an application processor starts.
 *
 * A STARTUP IPI starts the AP in real mode at CS:IP = (TRAMPOLINE_PHYS >> 4):0.
 * The bytes from trampoline_start to trampoline_end are copied there (smp.c), so
 * the code addresses itself with T(label), the label's address in that copy. Data
 * segments are based at 0, so T() works in every mode. Layout of the page:
 *
 *   +0      16-bit code: load the GDT below, protected mode on
 *           32-bit code: PAE, CR3 = the temporary table, EFER.LME|NXE, paging on
 *           64-bit code: load the parameters, jump to the higher half
 *   ...     a 4-entry GDT (0x08 32-bit code, 0x10 64-bit code, 0x18 data, the
 *           numbering boot.S uses) and its pointer
 *   ...     the parameter block (TP_* in smp.h), written by the boot CPU
 *
 * The higher-half part (ap_higher_half) stays in the kernel image: it switches to
 * the kernel's own page table, after which the AP needs neither the trampoline
 * nor the temporary table, and calls smp_ap_main on the AP's stack.
 */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/long_mode.h"

#define T(label) ((label) - trampoline_start + TRAMPOLINE_PHYS)

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(trampoline_gdt_pointer)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $T(trampoline_32)

	.code32
trampoline_32:
	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl T(trampoline_params) + TP_TEMP_CR3, %eax
	ENTER_LONG_MODE
	ljmpl $0x10, $T(trampoline_64)

	.code64
trampoline_64:
	LOAD_KERNEL_DATA_SEGMENTS
	/* Everything from the parameter block into registers: the block is reused for
	 * the next AP as soon as this one is online. */
	movq T(trampoline_params) + TP_KERNEL_CR3, %rbx
	movq T(trampoline_params) + TP_STACK_TOP, %rsp
	movq T(trampoline_params) + TP_ARGUMENT, %rdi
	movabsq $ap_higher_half, %rax
	jmp *%rax

	.balign 8
trampoline_gdt:
	.quad 0				/* 0x00 null */
	.quad 0x00cf9a000000ffff	/* 0x08 32-bit code */
	.quad 0x00af9a000000ffff	/* 0x10 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x18 data */
trampoline_gdt_end:
trampoline_gdt_pointer:
	.word trampoline_gdt_end - trampoline_gdt - 1
	.long T(trampoline_gdt)

	.balign 8
	.globl trampoline_params
trampoline_params:
	.fill TP_SIZE, 1, 0
	.globl trampoline_end
trampoline_end:

	.text
ap_higher_half:
	movq %rbx, %cr3			/* the kernel's tables; the temporary ones are done */
	xorl %ebp, %ebp			/* ends the backtrace chain */
	call smp_ap_main
1:	cli
	hlt
	jmp 1b
