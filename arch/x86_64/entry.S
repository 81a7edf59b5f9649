/*
 * arch/x86_64/entry.S - the 256 interrupt entry stubs and the common path.
 *
 * Each stub is 16 bytes at trap_stubs + 16 * vector (idt.c relies on that). It
 * pushes a zero where the CPU pushes no error code, so every frame has the same
 * shape, then the vector number, and jumps to trap_common, which saves the
 * general registers as a struct trap_frame (arch/x86_64/trap.h) and calls
 * trap_dispatch. Coming from user mode, swapgs makes %gs the per-CPU area.
 */

/* Offsets from %rsp right after the stub's pushes. */
#define FRAME_CS_BEFORE_REGS 24
#define FRAME_CS_AFTER_REGS (15 * 8 + FRAME_CS_BEFORE_REGS)

	.macro TRAP_STUB vector
	.balign 16
	.if (\vector == 8) || (\vector == 10) || (\vector == 11) || (\vector == 12) || \
	    (\vector == 13) || (\vector == 14) || (\vector == 17) || (\vector == 21) || \
	    (\vector == 29) || (\vector == 30)
	.else
	pushq $0
	.endif
	pushq $\vector
	jmp trap_common
	.endm

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vector, 0
	.rept 256
	TRAP_STUB vector
	.set vector, vector + 1
	.endr

trap_common:
	testb $3, FRAME_CS_BEFORE_REGS(%rsp)
	jz 1f
	swapgs
1:	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch

	/* Also where a new process starts: its kernel stack holds a trap frame. */
	.globl trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	testb $3, FRAME_CS_BEFORE_REGS(%rsp)
	jz 2f
	swapgs
2:	addq $16, %rsp			/* vector and error code */
	iretq
