/*
 * lib/format.h - printf-style formatting into a buffer, no allocation.
 *
 * Supported conversions: %d %i %u %x %X %o %c %s %p %%, with flags '-', '0', '+', ' ',
 * '#', a field width and precision (either may be '*'), and the length modifiers
 * hh, h, l, ll, z, t, j. %p prints "0x" and 16 hex digits, so kernel addresses line
 * up in logs. An unknown conversion is copied to the output verbatim.
 *
 * Both functions behave like C99 vsnprintf: they return the length the full output
 * would have had, write at most size-1 characters and always terminate when size > 0.
 */
#ifndef CALF_LIB_FORMAT_H
#define CALF_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Text built piece by piece into buf (size bytes), as /proc files are: text_add
 * appends formatted text; past the end only the length grows, so a NULL buffer
 * measures and a caller sees truncation as length >= size.
 */
struct text {
	char *buf;
	size_t size, length;
};
void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
