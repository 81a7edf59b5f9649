/*
 * proc/cpumask.c - CPU masks, sized and printed as Linux does (its %*pb and %*pbl
 * formats over nr_cpu_ids bits).
 */
#include "proc/cpumask.h"
#include "arch/x86_64/smp.h"
#include "lib/format.h"

unsigned cpumask_ids(void)
{
	uint64_t online = smp_online_mask();

	return online ? 64 - __builtin_clzll(online) : 1;
}

/* snprintf's contract for a sequence of appends: the full length, and at most
 * size - 1 characters written. */
static int append(char *buf, size_t size, int length, const char *fmt, unsigned a, unsigned b)
{
	size_t used = (size_t)length < size ? (size_t)length : size;

	return length + snprintf(buf ? buf + used : NULL, size - used, fmt, a, b);
}

int cpumask_format_hex(char *buf, size_t size, uint64_t mask)
{
	unsigned bits = cpumask_ids();
	int length = 0;

	if (buf && size)
		buf[0] = '\0';
	/* Groups of 32 from the top; the first holds what is left over. */
	for (int low = (int)((bits - 1) / 32) * 32; low >= 0; low -= 32) {
		unsigned width = bits - low >= 32 ? 32 : bits - low;
		unsigned group = (mask >> low) & (width == 32 ? 0xffffffffu : (1u << width) - 1);
		length = append(buf, size, length, length ? ",%0*x" : "%0*x", (width + 3) / 4, group);
	}
	return length;
}

int cpumask_format_list(char *buf, size_t size, uint64_t mask)
{
	int length = 0;

	if (buf && size)
		buf[0] = '\0';
	for (unsigned first = 0; first < 64; first++) {
		if (!(mask & (1ull << first)))
			continue;
		unsigned last = first;
		while (last < 63 && (mask & (1ull << (last + 1))))
			last++;
		if (last == first)
			length = append(buf, size, length, length ? ",%u" : "%u", first, 0);
		else
			length = append(buf, size, length, length ? ",%u-%u" : "%u-%u", first, last);
		first = last;
	}
	return length;
}
