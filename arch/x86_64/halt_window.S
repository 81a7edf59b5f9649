/*
 * arch/x86_64/halt_window.S - halt with interrupts off unless there is a reason
 * not to, without losing a wake-up (arch/x86_64/ipi.c, "Halted waiters").
 *
 * halt_window(const struct halt_watch *watch): every check, then hlt, all between
 * halt_window_start and halt_window_end. The CPU that makes a reason true then
 * sends an NMI; if the NMI lands anywhere in the window, before the hlt too, its
 * handler moves the return address to halt_window_end (ipi_nmi), so the hlt is
 * never reached after the last check; if the CPU is already halted, the NMI wakes
 * it, and it returns past the hlt by itself.
 *
 * struct halt_watch: { const uint32_t *word; uint32_t value; const uint64_t *a;
 * const uint64_t *b; uint64_t bit } - return once *word == value or *a or *b has
 * bit set.
 */
	.text
	.globl halt_window, halt_window_start, halt_window_end
	.type halt_window, @function
halt_window:
halt_window_start:
	movq 0(%rdi), %rax
	movl 8(%rdi), %ecx
	cmpl (%rax), %ecx
	je halt_window_end
	movq 32(%rdi), %rcx
	movq 16(%rdi), %rax
	testq %rcx, (%rax)
	jnz halt_window_end
	movq 24(%rdi), %rax
	testq %rcx, (%rax)
	jnz halt_window_end
	hlt
halt_window_end:
	ret
	.size halt_window, . - halt_window
	.section .note.GNU-stack, "", @progbits
