/*
 * arch/x86_64/idt.c - the interrupt descriptor table.
 *
 * All 256 vectors point at their stub in entry.S (trap_stubs + 16 * vector). All are
 * interrupt gates, so interrupts are off on entry until the handler decides
 * otherwise. Double fault and NMI run on their own IST stacks, so a kernel stack
 * overflow still gets reported instead of triple-faulting.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/gdt.h"

#define STUB_SIZE 16
#define GATE_INTERRUPT 0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL_USER (3 << 5)

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

extern char trap_stubs[];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, unsigned ist, unsigned dpl)
{
	uint64_t handler = (uint64_t)trap_stubs + STUB_SIZE * vector;

	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = SEL_KERNEL_CODE,
		.ist = ist,
		.type = GATE_INTERRUPT | (dpl ? GATE_DPL_USER : 0),
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void idt_init(void)
{
	for (unsigned vector = 0; vector < 256; vector++)
		set_gate(vector, 0, 0);
	set_gate(VECTOR_DOUBLE_FAULT, IST_DOUBLE_FAULT, 0);
	set_gate(2, IST_NMI, 0);
	set_gate(3, 0, 3);	/* int3 and into may be used by user programs */
	set_gate(4, 0, 3);
	idt_load();
}

/* Every CPU uses the one table: the IST numbers in it name slots of each CPU's own TSS. */
void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) pointer = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(pointer));
}
