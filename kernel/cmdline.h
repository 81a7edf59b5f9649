/*
 * kernel/cmdline.h - the kernel command line (QEMU's -append).
 *
 * Words are separated by spaces; a word is either a flag ("selftest") or key=value
 * ("crash=null"). Later words win over earlier ones with the same key.
 */
#ifndef CALF_KERNEL_CMDLINE_H
#define CALF_KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

void cmdline_init(const char *text);
const char *cmdline_text(void);

/* Copy the value of key=value into buf and return true; false when absent. */
bool cmdline_value(const char *key, char *buf, size_t size);

/* True when the word appears alone or as key=... */
bool cmdline_has(const char *key);

#endif
