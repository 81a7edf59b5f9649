/*
 * kernel/printk.h - the kernel log.
 *
 * printk formats like printf (see lib/format.h) and writes to the kernel log console
 * (the serial port), a whole message at a time under a lock so lines from interrupt
 * handlers never interleave mid-line. Messages longer than PRINTK_MAX are truncated.
 */
#ifndef CALF_KERNEL_PRINTK_H
#define CALF_KERNEL_PRINTK_H

#define PRINTK_MAX 512

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Where printk's bytes go; set once by the console driver at boot. */
void printk_set_sink(void (*write)(const char *bytes, unsigned long len));

/*
 * From now on printk ignores its lock: a panic may have interrupted a printk, and
 * must still be heard. Called by panic only.
 */
void printk_panic_mode(void);

#endif
