/*
 * arch/x86_64/pic.c - 8259A programming (ports and command words from its datasheet).
 */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01
#define OCW2_EOI       0x20
#define OCW3_READ_IRR  0x0a
#define OCW3_READ_ISR  0x0b
#define CASCADE_IRQ    2

static uint16_t mask = 0xffff;	/* bit set = line masked */

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_COMMAND, ICW1_INIT_ICW4);
	outb(PIC2_COMMAND, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VECTOR_IRQ_BASE);	/* ICW2: vector offsets */
	outb(PIC2_DATA, VECTOR_IRQ_BASE + 8);
	outb(PIC1_DATA, 1 << CASCADE_IRQ);	/* ICW3: slave on line 2 */
	outb(PIC2_DATA, CASCADE_IRQ);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	mask = 0xffff & ~(1u << CASCADE_IRQ);
	write_mask();
}

void pic_unmask(unsigned irq)
{
	mask &= ~(1u << irq);
	write_mask();
}

void pic_mask(unsigned irq)
{
	mask |= 1u << irq;
	write_mask();
}

void pic_end_of_interrupt(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_COMMAND, OCW2_EOI);
	outb(PIC1_COMMAND, OCW2_EOI);
}

static uint16_t read_register(uint8_t ocw3)
{
	outb(PIC1_COMMAND, ocw3);
	outb(PIC2_COMMAND, ocw3);
	return inb(PIC1_COMMAND) | (inb(PIC2_COMMAND) << 8);
}

bool pic_is_spurious(unsigned irq)
{
	if (irq != 7 && irq != 15)
		return false;
	if (read_register(OCW3_READ_ISR) & (1u << irq))
		return false;
	if (irq == 15)		/* the master did see the cascade line */
		outb(PIC1_COMMAND, OCW2_EOI);
	return true;
}

bool pic_is_pending(unsigned irq)
{
	return read_register(OCW3_READ_IRR) & (1u << irq);
}
