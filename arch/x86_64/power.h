/*
 * arch/x86_64/power.h - stopping the machine.
 *
 * Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=4`, machine_exit(status)
 * makes QEMU exit with code (status << 1) | 1, which is how tests learn the result:
 * tools/ decode it back. Without that device it falls back to an ACPI power-off, and
 * then to halting forever.
 */
#ifndef CALF_ARCH_POWER_H
#define CALF_ARCH_POWER_H

#define EXIT_STATUS_SUCCESS 0
#define EXIT_STATUS_FAILURE 1
#define EXIT_STATUS_PANIC   0x7f	/* QEMU exits with 255 */

void __attribute__((noreturn)) machine_exit(unsigned status);

#endif
