/*
 * tests/kernel/test_lib.c - lib/ as the kernel itself uses it (the host tests cover
 * the details; these make sure the kernel build behaves the same).
 */
#include <stddef.h>
#include "init/selftest.h"
#include "kernel/cmdline.h"
#include "lib/format.h"
#include "lib/ksyms.h"
#include "lib/string.h"

SELFTEST(lib_format_in_kernel)
{
	char buf[64];

	EXPECT(snprintf(buf, sizeof(buf), "%d %s %#lx %p", -42, "calf", 0xffUL, (void *)0x10) == 32);
	EXPECT(strcmp(buf, "-42 calf 0xff 0x0000000000000010") == 0);
}

SELFTEST(lib_ksyms_names_kernel_functions)
{
	uint64_t address = ksyms_address("kernel_main");
	uint64_t offset = 1;

	EXPECT(address != 0);
	EXPECT(strcmp(ksyms_lookup(address, &offset), "kernel_main") == 0 && offset == 0);
	EXPECT(strcmp(ksyms_lookup(address + 3, &offset), "kernel_main") == 0 && offset == 3);
	EXPECT(ksyms_lookup(0x1000, &offset) == NULL);
	EXPECT(ksyms_address("no_such_function_in_calf") == 0);
}

SELFTEST(cmdline_words_and_values)
{
	char saved[256], value[16];

	strlcpy(saved, cmdline_text(), sizeof(saved));
	cmdline_init("  quiet init=/bin/sh mode=a mode=bbb selftestx=1 ");
	EXPECT(cmdline_has("quiet"));
	EXPECT(!cmdline_value("quiet", value, sizeof(value)));
	EXPECT(cmdline_value("init", value, sizeof(value)) && strcmp(value, "/bin/sh") == 0);
	EXPECT(cmdline_value("mode", value, sizeof(value)) && strcmp(value, "bbb") == 0);
	EXPECT(!cmdline_has("selftest"));
	EXPECT(!cmdline_has("qui"));
	EXPECT(cmdline_value("init", value, 4) && strcmp(value, "/bi") == 0);
	cmdline_init(saved);
}
