/*
 * arch/x86_64/boot.S - from the PVH entry point to C in the higher half.
 *
 * QEMU loads calf's ELF segments at their physical addresses and, because of the
 * XEN_ELFNOTE_PHYS32_ENTRY note below, starts it the "PVH" way (docs/boot.md):
 * 32-bit protected mode, paging off, flat segments, %ebx = physical address of a
 * struct hvm_start_info (memory map, command line, modules). No stack is given.
 *
 * This file does only what C cannot: clear .bss, turn on long mode with a temporary
 * page table mapping the first 1 GiB three times (identity, direct map, kernel image),
 * then jump to kernel_main(start_info_phys) on the boot stack. paging_init later
 * replaces the temporary table with the real one.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/long_mode.h"

#define PHYS(sym) ((sym) - KERNEL_VIRT_BASE)


#define BOOT_STACK_SIZE 16384

	/* The note QEMU looks for: name "Xen", type 18, the 32-bit entry address. */
	.pushsection .note.pvh, "a", @note
	.balign 4
	.long 4			/* name size */
	.long 8			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad PHYS(pvh_start)
	.balign 4
	.popsection

	.section .boot.text, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	movl %ebx, %esi			/* keep start_info across the rep stos */

	/* Clear .bss (QEMU zeroes it too, but nothing promises that). */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	movl $PHYS(boot_stack_top), %esp

	/* Long mode with the temporary tables, which map this code where it runs. */
	movl $PHYS(boot_pml4), %eax
	ENTER_LONG_MODE

	lgdt PHYS(boot_gdt_pointer)
	ljmp $0x10, $PHYS(long_mode_entry)

	.code64
long_mode_entry:
	LOAD_KERNEL_DATA_SEGMENTS
	/* Still running at the physical address; continue at the linked one. */
	movabsq $higher_half_entry, %rax
	jmp *%rax

	.text
higher_half_entry:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp			/* ends the backtrace chain */
	movl %esi, %edi			/* kernel_main(start_info physical address) */
	call kernel_main
1:	cli
	hlt
	jmp 1b

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0				/* 0x00 null */
	.quad 0x00cf9a000000ffff	/* 0x08 32-bit code (unused) */
	.quad 0x00af9a000000ffff	/* 0x10 64-bit kernel code */
	.quad 0x00cf92000000ffff	/* 0x18 kernel data */
boot_gdt_end:
boot_gdt_pointer:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	/*
	 * Temporary page tables. One page directory of 2 MiB pages maps physical
	 * 0..1 GiB; it is reachable at virtual 0 (identity, for the instructions right
	 * after paging turns on), at DIRECT_MAP_BASE and at KERNEL_VIRT_BASE.
	 */
	.balign 4096
boot_pml4:
	.quad PHYS(boot_pdpt_low) + (PTE_PRESENT | PTE_WRITE)
	.fill 255, 8, 0
	.quad PHYS(boot_pdpt_low) + (PTE_PRESENT | PTE_WRITE)	/* slot 256: direct map */
	.fill 254, 8, 0
	.quad PHYS(boot_pdpt_high) + (PTE_PRESENT | PTE_WRITE)	/* slot 511: kernel */
boot_pdpt_low:
	.quad PHYS(boot_pd) + (PTE_PRESENT | PTE_WRITE)
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad PHYS(boot_pd) + (PTE_PRESENT | PTE_WRITE)	/* -2 GiB */
	.quad 0
boot_pd:
	.set frame, 0
	.rept 512
	.quad frame + (PTE_PRESENT | PTE_WRITE | PTE_HUGE)
	.set frame, frame + 0x200000
	.endr

	.bss
	.balign 4096
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
