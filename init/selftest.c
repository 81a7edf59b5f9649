/*
 * init/selftest.c - the in-kernel test runner.
 *
 * Each test also checks that it returned every frame it took: the free-frame count
 * after a test must equal the count before it (the leak check xv6's usertests does).
 */
#include "init/selftest.h"
#include "arch/x86_64/power.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

extern const struct selftest __selftests_start[], __selftests_end[];

static const struct selftest *running;
static unsigned running_number;

void selftest_expect(struct selftest_context *t, bool ok, const char *what,
		     const char *file, int line)
{
	if (ok)
		return;
	t->failures++;
	printk("# %s:%d: expected %s\n", file, line, what);
}

/* A panic during a test still produces a TAP line, so the harness names the test. */
static void report_panic(void)
{
	if (running)
		printk("not ok %u - %s # kernel panic\n", running_number, running->name);
}

static bool selected(const struct selftest *test, const char *prefix)
{
	return strncmp(test->name, prefix, strlen(prefix)) == 0;
}

static bool run_one(const struct selftest *test, unsigned number)
{
	struct selftest_context context = { 0 };
	kmalloc_shrink();
	size_t free_before = frames_free();

	running = test;
	running_number = number;
	test->run(&context);
	running = NULL;

	kmalloc_shrink();
	size_t free_after = frames_free();
	if (free_after != free_before) {
		printk("# frames free before %lu, after %lu\n", free_before, free_after);
		context.failures++;
	}
	printk("%s %u - %s\n", context.failures ? "not ok" : "ok", number, test->name);
	return context.failures == 0;
}

void selftest_run_all(const char *prefix)
{
	unsigned total = 0, failed = 0, number = 0;

	for (const struct selftest *test = __selftests_start; test < __selftests_end; test++)
		total += selected(test, prefix);

	panic_set_hook(report_panic);
	printk("TAP version 13\n1..%u\n", total);
	for (const struct selftest *test = __selftests_start; test < __selftests_end; test++)
		if (selected(test, prefix) && !run_one(test, ++number))
			failed++;
	printk("# selftest: %u passed, %u failed\n", total - failed, failed);
	machine_exit(failed ? EXIT_STATUS_FAILURE : EXIT_STATUS_SUCCESS);
}
