/*
 * arch/x86_64/pte_bits.h - page-table entry bits, shared by the kernel, mm/ and the
 * host tests of mm/.
 */
#ifndef CALF_ARCH_PTE_BITS_H
#define CALF_ARCH_PTE_BITS_H

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define PTE_PRESENT	(1ul << 0)
#define PTE_WRITE	(1ul << 1)
#define PTE_USER	(1ul << 2)
#define PTE_PWT		(1ul << 3)
#define PTE_PCD		(1ul << 4)
#define PTE_ACCESSED	(1ul << 5)
#define PTE_DIRTY	(1ul << 6)
#define PTE_HUGE	(1ul << 7)
#define PTE_GLOBAL	(1ul << 8)
/* Ignored by the CPU; calf's: a PROT_NONE page whose frame is kept (present clear). */
#define PTE_PROTNONE	(1ul << 9)
#define PTE_NX		(1ul << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ul

#endif
