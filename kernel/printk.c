/*
 * kernel/printk.c - the kernel log.
 */
#include <stdarg.h>
#include "kernel/printk.h"
#include "lib/format.h"
#include "kernel/spinlock.h"

static void (*sink)(const char *bytes, unsigned long len);
static struct spinlock printk_lock = SPINLOCK_INIT_LEVEL("printk", LOCK_LEVEL_PRINTK);
static bool panicking;

void printk_panic_mode(void)
{
	panicking = true;
}

void printk_set_sink(void (*write)(const char *bytes, unsigned long len))
{
	sink = write;
}

int printk(const char *fmt, ...)
{
	char message[PRINTK_MAX];
	va_list args;

	va_start(args, fmt);
	int length = vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	if (length >= (int)sizeof(message))
		length = sizeof(message) - 1;

	if (sink && panicking) {
		sink(message, length);
	} else if (sink) {
		spin_lock(&printk_lock);
		sink(message, length);
		spin_unlock(&printk_lock);
	}
	return length;
}
