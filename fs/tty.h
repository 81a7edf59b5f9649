/*
 * fs/tty.h - the console tty's entry points besides its file ops (fs/tty.c).
 */
#ifndef CALF_FS_TTY_H
#define CALF_FS_TTY_H

#include <stddef.h>

/* Register /dev/tty and /dev/console and take COM1's input interrupt. */
void tty_init(void);

/* Run bytes through the line discipline as if typed (the input interrupt uses it;
 * so do the host tests). */
void tty_receive(const char *bytes, size_t len);

/* Back to boot settings, input flushed, no session; output through write (NULL:
 * COM1). For tests. */
void tty_reset(void (*write)(const char *bytes, size_t len));

#endif
