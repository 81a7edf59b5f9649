/*
 * lib/string.c - the C string and memory functions (see lib/string.h).
 *
 * The bulk copies and fills move 8-byte words once the pointers are aligned,
 * because gcc emits calls to memcpy/memset for struct copies and page-sized
 * buffers, and byte loops there would be needlessly slow. The word part is one
 * `rep stosq` / `rep movsq`: the string instructions are what x86 provides for
 * this, and they cost one instruction per word where a C loop costs four or five
 * (a page is zeroed in ~520 instructions instead of ~2,500, which -icount
 * measures directly). Everything else is a plain byte loop: clarity wins where
 * the strings are short.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/string.h"

/*
 * Without this, gcc may recognise a byte loop in memset/memcpy as "a memset" and
 * replace it with a call to memset - the function being defined - which recurses
 * forever. -fno-builtin alone does not stop that transformation.
 */
#define NO_LOOP_TO_CALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* may_alias: these words overlay buffers of any type, so they must not let gcc
 * assume they alias nothing else (strict aliasing). */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD sizeof(word_t)

static int word_aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

/* Words can be used only if both pointers reach word alignment at the same time. */
static int same_alignment(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & (WORD - 1)) == 0;
}

NO_LOOP_TO_CALL
void *memset(void *dst, int byte, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)byte;

	while (n > 0 && !word_aligned(d)) {
		*d++ = b;
		n--;
	}
	/* Multiplying spreads the byte into every byte of the word. */
	word_t pattern = (word_t)b * 0x0101010101010101ull;
	size_t words = n / WORD;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	n %= WORD;
	while (n > 0) {
		*d++ = b;
		n--;
	}
	return dst;
}

/*
 * Lowest address first. memmove needs this for dst below src as well, where
 * memcpy's restrict promise does not hold, so it lives here without restrict.
 */
NO_LOOP_TO_CALL
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (same_alignment(d, s)) {
		while (n > 0 && !word_aligned(d)) {
			*d++ = *s++;
			n--;
		}
		size_t words = n / WORD;
		__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
		n %= WORD;
	}
	while (n > 0) {
		*d++ = *s++;
		n--;
	}
}

/* Highest address first, for memmove with dst above an overlapping src. */
NO_LOOP_TO_CALL
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (same_alignment(d, s)) {
		while (n > 0 && !word_aligned(d)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n > 0) {
		*--d = *--s;
		n--;
	}
}

NO_LOOP_TO_CALL
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LOOP_TO_CALL
void *memmove(void *dst, const void *src, size_t n)
{
	/* Compared as integers: relational operators on pointers into different
	 * objects are undefined in C. */
	if ((uintptr_t)dst <= (uintptr_t)src)
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] - q[i];
	}
	return 0;
}

void *memchr(const void *s, int byte, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)byte;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == b)
			return (void *)(p + i);
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* The C library orders strings by unsigned char, so "\xff" sorts after "a". */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != q[i] || p[i] == '\0')
			return p[i] - q[i];
	}
	return 0;
}

/* The terminator counts as part of the string, so strchr(s, '\0') finds it. */
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	/* strnlen: dst may hold no terminator within size, and must not be read past it. */
	size_t dlen = strnlen(dst, size);
	size_t slen = strlen(src);

	if (dlen == size)
		return size + slen;
	strlcpy(dst + dlen, src, size - dlen);
	return dlen + slen;
}
