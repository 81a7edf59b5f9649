/*
 * kernel/main.c - kernel_main, the first C code, called by boot.S.
 *
 * The order matters: the console first (so everything after can report), then the
 * boot information (before any memory is handed out), CPU protections and traps
 * (before anything can fault), memory, and finally interrupts.
 */
#include <stdint.h>
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "kernel/crash.h"
#include "kernel/monitor.h"
#include "kernel/selftest.h"
#include "mm/frame.h"
#include "lib/printk.h"

#define HEARTBEAT_SECONDS 3

/* The kernel log on COM1; a terminal wants CR LF line ends. */
static void log_to_console(const char *bytes, unsigned long len)
{
	unsigned long start = 0;

	for (unsigned long i = 0; i < len; i++) {
		if (bytes[i] != '\n')
			continue;
		serial_write(SERIAL_COM1, bytes + start, i - start);
		serial_write(SERIAL_COM1, "\r\n", 2);
		start = i + 1;
	}
	serial_write(SERIAL_COM1, bytes + start, len - start);
}

/* One line a second for the first seconds, so a person sees the timer tick. */
static void heartbeat(void)
{
	for (unsigned second = 1; second <= HEARTBEAT_SECONDS; second++) {
		while (timer_ticks() < (uint64_t)second * TIMER_HZ)
			cpu_idle();
		printk("uptime %u s: %lu timer ticks, clock %lu ms\n", second, timer_ticks(),
		       clock_monotonic_ns() / 1000000);
	}
}

static void banner(void)
{
	printk("calf: %lu MiB of memory, %lu frames free (%lu MiB), timer at %u Hz\n",
	       boot_info.usable_bytes >> 20, frames_free(), frames_free() >> (20 - PAGE_SHIFT),
	       TIMER_HZ);
	printk("calf: command line '%s'\n", cmdline_text());
}

void kernel_main(uint64_t start_info_phys)
{
	char value[64];

	serial_init(SERIAL_COM1);
	printk_set_sink(log_to_console);
	printk("\ncalf: booting\n");

	boot_info_parse(start_info_phys);
	cmdline_init(boot_info.cmdline);
	cpu_init();
	gdt_init();
	idt_init();
	pic_init();
	memory_init();
	timer_init();
	serial_enable_input(SERIAL_COM1);
	irq_enable();
	banner();

	if (cmdline_value("crash", value, sizeof(value)))
		crash_trigger(value);
	if (cmdline_has("selftest")) {
		if (!cmdline_value("selftest", value, sizeof(value)))
			value[0] = '\0';
		selftest_run_all(value);
	}
	heartbeat();
	monitor_run();
}
