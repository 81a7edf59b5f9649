/*
 * lib/ksyms.c - binary search in the generated symbol table.
 */
#include "lib/ksyms.h"
#include "lib/format.h"
#include "lib/string.h"

/* Defined by the generated build/ksyms.S. */
extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addresses[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	if (ksyms_count == 0 || addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end ||
	    addr < ksyms_addresses[0])
		return NULL;

	/* Last symbol whose address is <= addr. */
	uint64_t low = 0, high = ksyms_count;
	while (high - low > 1) {
		uint64_t middle = low + (high - low) / 2;
		if (ksyms_addresses[middle] <= addr)
			low = middle;
		else
			high = middle;
	}
	*offset = addr - ksyms_addresses[low];
	return ksyms_names + ksyms_name_offsets[low];
}

void ksyms_describe(uint64_t addr, char *buf, size_t size)
{
	uint64_t offset;
	const char *name = ksyms_lookup(addr, &offset);

	if (name)
		snprintf(buf, size, "%s+%#lx", name, offset);
	else
		snprintf(buf, size, "?");
}

void ksyms_describe_return(uint64_t return_address, char *buf, size_t size)
{
	uint64_t offset;
	const char *name = ksyms_lookup(return_address - 1, &offset);

	if (name)
		snprintf(buf, size, "%s+%#lx", name, offset + 1);
	else
		snprintf(buf, size, "?");
}

uint64_t ksyms_address(const char *name)
{
	for (uint64_t i = 0; i < ksyms_count; i++)
		if (strcmp(ksyms_names + ksyms_name_offsets[i], name) == 0)
			return ksyms_addresses[i];
	return 0;
}
