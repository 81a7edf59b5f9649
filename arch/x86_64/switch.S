/*
 * arch/x86_64/switch.S - switching kernel stacks between processes.
 *
 * context_switch(uint64_t *save_rsp, uint64_t load_rsp) pushes the callee-saved
 * registers, stores the stack pointer through save_rsp, loads load_rsp and pops the
 * other process's registers: the call returns in the other process, wherever it
 * called context_switch itself. A process that has never run gets a stack prepared
 * by proc/ so that this `ret` lands in process_first_run (arch/x86_64/context.h).
 */
	.text
	.globl context_switch
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * A new process's first instructions in the kernel. The stack pointer is its trap
 * frame: let C finish the switch, then leave for user mode through trap_return.
 */
	.globl process_first_run
process_first_run:
	xorl %ebp, %ebp
	call process_first_run_tail
	jmp trap_return

/*
 * syscall: the CPU saved the user rip in %rcx and rflags in %r11, cleared IF
 * (SFMASK), and did not change the stack. Build the same trap frame an interrupt
 * from user mode builds, on the process's kernel stack, and go to C.
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/gdt.h"
#define SYSCALL_VECTOR 0x100

	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_STACK, %rsp
	pushq $SEL_USER_DATA
	pushq %gs:PERCPU_USER_RSP
	pushq %r11
	pushq $SEL_USER_CODE
	pushq %rcx
	pushq $0
	pushq $SYSCALL_VECTOR
	pushq %rax
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
	xorl %ebp, %ebp			/* the backtrace ends here */
	movq %rsp, %rdi
	call syscall_dispatch
	jmp syscall_return

/*
 * Back to user mode after a system call. sysretq is much cheaper than iretq but
 * rebuilds only part of the state: rip from %rcx, rflags from %r11, and fixed user
 * selectors. Use it when the frame holds exactly what it would rebuild (the usual
 * case: the frame is as syscall_entry made it); otherwise (signal delivery, exec
 * and rt_sigreturn rewrite the frame) iretq restores everything. A non-canonical
 * %rcx would make sysretq fault in ring 0 with the user's stack, so it also goes
 * the iretq way, as do TF and RF, which sysretq would mishandle.
 */
#define FRAME_RCX	96
#define FRAME_R11	32
#define FRAME_RIP	136
#define FRAME_CS	144
#define FRAME_RFLAGS	152
#define FRAME_RSP	160
#define FRAME_SS	168
#define RFLAGS_TF_RF	0x10100

syscall_return:
	cli				/* no interrupt once %rsp is the user's */
	movq FRAME_RCX(%rsp), %rcx
	cmpq %rcx, FRAME_RIP(%rsp)
	jne trap_return
	movq FRAME_R11(%rsp), %r11
	cmpq %r11, FRAME_RFLAGS(%rsp)
	jne trap_return
	cmpq $SEL_USER_CODE, FRAME_CS(%rsp)
	jne trap_return
	cmpq $SEL_USER_DATA, FRAME_SS(%rsp)
	jne trap_return
	testq $RFLAGS_TF_RF, %r11
	jnz trap_return
	shrq $47, %rcx			/* user addresses have bits 63..47 clear */
	jnz trap_return
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11			/* = the user rflags (checked above) */
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx			/* = the user rip (checked above) */
	popq %rbx
	popq %rax
	movq FRAME_RSP - 120(%rsp), %rsp
	swapgs
	sysretq
