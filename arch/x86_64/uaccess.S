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
 * The callers (mm/uaccess.c) check the range and open SMAP around the call.
 */
	.text

/* size_t arch_user_copy(void *dst, const void *src, size_t n): bytes not copied. */
	.globl arch_user_copy
arch_user_copy:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movq %rcx, %rax
	ret
	.pushsection __ex_table, "a"
	.quad 1b, 2b
	.popsection

/* size_t arch_user_clear(void *dst, size_t n): bytes not cleared. */
	.globl arch_user_clear
arch_user_clear:
	movq %rsi, %rcx
	xorl %eax, %eax
3:	rep stosb
	ret
4:	movq %rcx, %rax
	ret
	.pushsection __ex_table, "a"
	.quad 3b, 4b
	.popsection
