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
	/* iretq restores everything, including what signal delivery or exec changed. */
	jmp trap_return
