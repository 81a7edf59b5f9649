/*
 * lib/ksyms.h - kernel symbol lookup for backtraces.
 *
 * The table (function start addresses and names) is generated from the linked kernel
 * by tools/gen-ksyms.sh and linked in a second pass; see the Makefile.
 */
#ifndef CALF_LIB_KSYMS_H
#define CALF_LIB_KSYMS_H

#include <stddef.h>
#include <stdint.h>

#define KSYMS_NAME_MAX 128

/*
 * Name of the function containing addr and the offset into it. Returns NULL when
 * addr is outside the kernel's text.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

/* "name+0xoff" (or "?" for unknown addresses) into buf. */
void ksyms_describe(uint64_t addr, char *buf, size_t size);

/*
 * The same for a return address: a call that is the last instruction of a function
 * (to a noreturn callee) returns to the first byte of the next one, so the function
 * is named from the byte before; the offset printed is still the return address's.
 */
void ksyms_describe_return(uint64_t return_address, char *buf, size_t size);

/* Address of a function by name, or 0. */
uint64_t ksyms_address(const char *name);

#endif
