/*
 * arch/x86_64/serial.c - the 16550 UART driver (registers per the 16550D datasheet).
 */
#include "arch/x86_64/serial.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

#define REG_DATA	0	/* receive/transmit buffer; divisor low when DLAB */
#define REG_IER		1	/* interrupt enable; divisor high when DLAB */
#define REG_FCR		2	/* FIFO control */
#define REG_LCR		3	/* line control */
#define REG_MCR		4	/* modem control */
#define REG_LSR		5	/* line status */
#define REG_SCRATCH	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS_OUT2 0x0b	/* OUT2 gates the UART's IRQ line on PCs */
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE_CLEAR 0x07
#define DIVISOR_115200	1

#define RING_SIZE 1024

struct uart {
	uint16_t base;
	unsigned irq;
	bool present;
	/* Input ring: the interrupt handler writes head, readers advance tail. */
	volatile unsigned head, tail;
	char ring[RING_SIZE];
	void (*input_hook)(void);
};

static struct uart uarts[SERIAL_PORT_COUNT] = {
	[SERIAL_COM1] = { .base = 0x3f8, .irq = IRQ_COM1 },
	[SERIAL_COM2] = { .base = 0x2f8, .irq = IRQ_COM2 },
};

bool serial_init(enum serial_port port)
{
	struct uart *u = &uarts[port];

	/* A UART keeps what is written to its scratch register; empty ports read 0xff. */
	outb(u->base + REG_SCRATCH, 0x5a);
	if (inb(u->base + REG_SCRATCH) != 0x5a)
		return false;
	outb(u->base + REG_IER, 0);
	outb(u->base + REG_LCR, LCR_DLAB);
	outb(u->base + REG_DATA, DIVISOR_115200 & 0xff);
	outb(u->base + REG_IER, DIVISOR_115200 >> 8);
	outb(u->base + REG_LCR, LCR_8N1);
	outb(u->base + REG_FCR, FCR_ENABLE_CLEAR);
	outb(u->base + REG_MCR, MCR_DTR_RTS_OUT2);
	u->present = true;
	return true;
}

static void put_byte(struct uart *u, char byte)
{
	while (!(inb(u->base + REG_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(u->base + REG_DATA, (uint8_t)byte);
}

void serial_write(enum serial_port port, const char *bytes, size_t len)
{
	struct uart *u = &uarts[port];

	if (!u->present)
		return;
	for (size_t i = 0; i < len; i++)
		put_byte(u, bytes[i]);
}

static void drain_receiver(struct uart *u)
{
	while (inb(u->base + REG_LSR) & LSR_DATA_READY) {
		char byte = (char)inb(u->base + REG_DATA);
		unsigned next = (u->head + 1) % RING_SIZE;

		if (next != u->tail) {	/* when full, drop the newest byte */
			u->ring[u->head] = byte;
			u->head = next;
		}
	}
	if (u->input_hook)
		u->input_hook();
}

static void com1_interrupt(struct trap_frame *frame)
{
	(void)frame;
	drain_receiver(&uarts[SERIAL_COM1]);
}

static void com2_interrupt(struct trap_frame *frame)
{
	(void)frame;
	drain_receiver(&uarts[SERIAL_COM2]);
}

void serial_enable_input(enum serial_port port)
{
	struct uart *u = &uarts[port];

	if (!u->present)
		return;
	irq_register(u->irq, port == SERIAL_COM1 ? com1_interrupt : com2_interrupt);
	outb(u->base + REG_IER, IER_RX_AVAILABLE);
}

int serial_read_byte(enum serial_port port)
{
	struct uart *u = &uarts[port];
	uint64_t flags = irq_save();
	int byte = -1;

	if (u->tail != u->head) {
		byte = (unsigned char)u->ring[u->tail];
		u->tail = (u->tail + 1) % RING_SIZE;
	}
	irq_restore(flags);
	return byte;
}

void serial_set_input_hook(enum serial_port port, void (*hook)(void))
{
	uarts[port].input_hook = hook;
}
