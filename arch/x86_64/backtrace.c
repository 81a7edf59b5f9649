/*
 * arch/x86_64/backtrace.c - frame-pointer backtraces.
 */
#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/paging.h"
#include "lib/ksyms.h"
#include "lib/printk.h"

static int plausible_frame(uint64_t rbp)
{
	return rbp >= DIRECT_MAP_BASE && (rbp & 7) == 0 && rbp < 0xfffffffffffff000ull;
}

unsigned backtrace_collect(uint64_t rip, uint64_t rbp, uint64_t *addresses, unsigned max)
{
	unsigned count = 0;

	if (max == 0)
		return 0;
	addresses[count++] = rip;
	while (count < max && plausible_frame(rbp)) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t caller_rbp = frame[0];
		uint64_t return_address = frame[1];

		if (return_address == 0)
			break;
		addresses[count++] = return_address;
		/* Stacks grow down, so callers' frames are at higher addresses. */
		if (caller_rbp <= rbp)
			break;
		rbp = caller_rbp;
	}
	return count;
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	uint64_t addresses[BACKTRACE_MAX_FRAMES];
	unsigned count = backtrace_collect(rip, rbp, addresses, BACKTRACE_MAX_FRAMES);

	printk("Backtrace:\n");
	for (unsigned i = 0; i < count; i++) {
		/*
		 * A return address may be the first byte of the next function when the
		 * call was the last instruction (a noreturn callee): name the function
		 * holding the call, one byte back.
		 */
		uint64_t offset;
		uint64_t call_site = i == 0 ? addresses[i] : addresses[i] - 1;
		const char *name = ksyms_lookup(call_site, &offset);

		if (name)
			printk("  #%-2u %016lx %s+%#lx\n", i, addresses[i], name,
			       offset + (addresses[i] - call_site));
		else
			printk("  #%-2u %016lx ?\n", i, addresses[i]);
	}
}
