/*
 * arch/x86_64/power.c - leaving QEMU with a status.
 */
#include "arch/x86_64/power.h"
#include "arch/x86_64/cpu.h"

#define DEBUG_EXIT_PORT 0xf4
#define ACPI_PM1A_CONTROL 0x604	/* QEMU's PIIX4/ICH9 power-management block */
#define ACPI_SLEEP_S5 0x2000

static inline void outw(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

void machine_exit(unsigned status)
{
	irq_disable();
	outl(DEBUG_EXIT_PORT, status);
	outw(ACPI_PM1A_CONTROL, ACPI_SLEEP_S5);
	for (;;)
		__asm__ volatile("hlt");
}
