/*
 * arch/x86_64/serial.h - 16550 UARTs: COM1 is the console, COM2 the kernel log
 * channel once user programs own the console.
 *
 * Output is polled (each byte waits for the transmitter), so it works in any context,
 * panics included. Input is interrupt-driven into a ring buffer per port.
 */
#ifndef CALF_ARCH_SERIAL_H
#define CALF_ARCH_SERIAL_H

#include <stddef.h>
#include <stdbool.h>

enum serial_port { SERIAL_COM1, SERIAL_COM2, SERIAL_PORT_COUNT };

/* Program the UART (115200 8N1). Returns false when no UART answers. */
bool serial_init(enum serial_port port);

/* Raw bytes, no newline translation (that is the tty's or the log's business). */
void serial_write(enum serial_port port, const char *bytes, size_t len);

/* Start interrupt-driven input on the port. */
void serial_enable_input(enum serial_port port);

/* Next received byte, or -1 when none is waiting. Safe with interrupts on. */
int serial_read_byte(enum serial_port port);

/* Called (in interrupt context) after bytes arrive, e.g. to wake a reader. */
void serial_set_input_hook(enum serial_port port, void (*hook)(void));

#endif
