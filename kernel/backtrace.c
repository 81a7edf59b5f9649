/*
 * kernel/backtrace.c - frame-pointer backtraces.
 */
#include "kernel/backtrace.h"
#include "arch/x86_64/paging.h"
#include "lib/ksyms.h"
#include "kernel/printk.h"

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
	backtrace_print_trap(rip, 0, rbp);
}

void backtrace_print_trap(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t addresses[BACKTRACE_MAX_FRAMES];
	unsigned count = 0;
	char name[KSYMS_NAME_MAX + 32];
	uint64_t offset;

	/*
	 * A fault outside kernel text (a call through a bad function pointer) happened
	 * before the callee set up a frame: its caller's return address is on top of
	 * the stack, and the frame chain continues from the caller's %rbp.
	 */
	if (rsp && !ksyms_lookup(rip, &offset) && plausible_frame(rsp)) {
		addresses[count++] = rip;
		rip = *(const uint64_t *)rsp;
	}
	count += backtrace_collect(rip, rbp, addresses + count, BACKTRACE_MAX_FRAMES - count);

	printk("Backtrace:\n");
	for (unsigned i = 0; i < count; i++) {
		/* Only the first address is where execution was; the rest are returns. */
		if (i == 0)
			ksyms_describe(addresses[i], name, sizeof(name));
		else
			ksyms_describe_return(addresses[i], name, sizeof(name));
		printk("  #%-2u %016lx %s\n", i, addresses[i], name);
	}
}
