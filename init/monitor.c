/*
 * init/monitor.c - the boot-time serial monitor.
 *
 * Reads COM1 input (interrupt-driven, see arch/x86_64/serial.c), echoes it, handles
 * backspace, and runs one command per line. The CPU sleeps in hlt between keys.
 */
#include "init/monitor.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define LINE_MAX 80

static void show_help(void)
{
	printk("commands: help, mem, uptime, irqs, poweroff\n");
}

static void show_memory(void)
{
	printk("frames: %lu managed, %lu free (%lu KiB), %lu in the kernel heap\n",
	       frames_managed(), frames_free(), frames_free() * (PAGE_SIZE / 1024),
	       kmalloc_frames());
}

static void show_uptime(void)
{
	uint64_t ns = clock_monotonic_ns();

	printk("uptime %lu.%06lu s, %lu ticks at %u Hz\n", ns / 1000000000,
	       (ns / 1000) % 1000000, timer_ticks(), TIMER_HZ);
}

static void show_interrupts(void)
{
	for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
		if (irq_count(irq))
			printk("irq %2u: %lu\n", irq, irq_count(irq));
	if (trap_unexpected_vectors())
		printk("unexpected vectors: %lu\n", trap_unexpected_vectors());
}

static void run_command(const char *line)
{
	if (line[0] == '\0')
		return;
	if (strcmp(line, "help") == 0)
		show_help();
	else if (strcmp(line, "mem") == 0)
		show_memory();
	else if (strcmp(line, "uptime") == 0)
		show_uptime();
	else if (strcmp(line, "irqs") == 0)
		show_interrupts();
	else if (strcmp(line, "poweroff") == 0) {
		printk("powering off\n");
		machine_exit(EXIT_STATUS_SUCCESS);
	} else
		printk("unknown command '%s'; try help\n", line);
}

static int wait_for_byte(void)
{
	int byte;

	while ((byte = serial_read_byte(SERIAL_COM1)) < 0)
		cpu_idle();
	return byte;
}

void monitor_run(void)
{
	char line[LINE_MAX];
	size_t length = 0;

	printk("calf monitor; type help\ncalf> ");
	for (;;) {
		int byte = wait_for_byte();

		if (byte == '\r' || byte == '\n') {
			printk("\n");
			line[length] = '\0';
			run_command(line);
			length = 0;
			printk("calf> ");
		} else if ((byte == 0x7f || byte == '\b') && length > 0) {
			length--;
			printk("\b \b");
		} else if (byte >= ' ' && byte < 0x7f && length < LINE_MAX - 1) {
			line[length++] = (char)byte;
			printk("%c", byte);
		}
	}
}
