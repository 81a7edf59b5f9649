/*
 * arch/x86_64/uaccess.S - the instructions that touch user memory.
 *
 * Each may fault on a user address. Its entry in __ex_table pairs the faulting
 * instruction with a fixup address; the page-fault handler first tries to resolve
 * the fault like a user access (demand paging, copy-on-write) and, when it cannot,
 * resumes at the fixup, which returns the number of bytes left undone. `rep movsb`
 * and `rep stosb` keep their progress in rcx/rsi/rdi, so a resolved fault simply
 * restarts the instruction where it stopped.
 *
 * The bulk moves a word at a time (`rep movsq`), which costs an eighth of the
 * instructions of `rep movsb`; if that faults for good, the bytes left are
 * retried one at a time, so the count returned is exact to the byte even when a
 * word straddles the last mapped byte.
 *
 * The callers (mm/uaccess.c) check the range and open SMAP around the call.
 */
	.text

/* size_t arch_user_copy(void *dst, const void *src, size_t n): bytes not copied. */
	.globl arch_user_copy
arch_user_copy:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movl %edx, %ecx
2:	rep movsb
	xorl %eax, %eax
	ret
3:	leaq (%rdx, %rcx, 8), %rcx	/* a word faulted: the rest byte by byte */
	jmp 2b
4:	movq %rcx, %rax
	ret
	.pushsection __ex_table, "a"
	.quad 1b, 3b
	.quad 2b, 4b
	.popsection

/* size_t arch_user_clear(void *dst, size_t n): bytes not cleared. */
	.globl arch_user_clear
arch_user_clear:
	movq %rsi, %rcx
	shrq $3, %rcx
	andl $7, %esi
	xorl %eax, %eax
5:	rep stosq
	movl %esi, %ecx
6:	rep stosb
	ret
7:	leaq (%rsi, %rcx, 8), %rcx	/* a word faulted: the rest byte by byte */
	jmp 6b
8:	movq %rcx, %rax
	ret
	.pushsection __ex_table, "a"
	.quad 5b, 7b
	.quad 6b, 8b
	.popsection
