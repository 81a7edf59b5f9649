/*
 * lib/string.h - the C string and memory functions the kernel uses.
 *
 * gcc may emit calls to memcpy, memset, memmove and memcmp on its own even with
 * -ffreestanding, so these keep their standard names and semantics. The host tests
 * compile lib/string.c with every name prefixed by calf_ (see tests/host/) so they
 * never collide with the host C library.
 */
#ifndef CALF_LIB_STRING_H
#define CALF_LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int byte, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int byte, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (when size > 0); returns strlen(src). */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
/* Appends like strlcat(3); returns the length it tried to create. */
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);

#endif
