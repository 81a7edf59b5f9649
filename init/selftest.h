/*
 * init/selftest.h - in-kernel tests, run at boot with the `selftest` command-line
 * flag, reporting TAP on the console and the result through machine_exit.
 *
 * A test is a function registered with SELFTEST(name); it checks things with EXPECT,
 * which records a failure (with file and line) and lets the test go on. Tests live in
 * tests/kernel/ and are linked into every kernel: a user can run them on the
 * kernel they actually boot. `selftest=prefix` runs only tests whose name starts with
 * prefix.
 */
#ifndef CALF_INIT_SELFTEST_H
#define CALF_INIT_SELFTEST_H

#include <stdbool.h>

struct selftest_context {
	unsigned failures;
};

struct selftest {
	const char *name;
	void (*run)(struct selftest_context *t);
};

#define SELFTEST(test_name) \
	static void test_name(struct selftest_context *t); \
	static const struct selftest selftest_##test_name \
		__attribute__((used, section(".selftests"), aligned(8))) = { \
			#test_name, test_name }; \
	static void test_name(struct selftest_context *t)

#define EXPECT(cond) \
	selftest_expect(t, (cond), #cond, __FILE__, __LINE__)

void selftest_expect(struct selftest_context *t, bool ok, const char *what,
		     const char *file, int line);

/* Run the registered tests (filtered by prefix, may be empty), print TAP, and exit
 * QEMU with success only if all passed. */
void __attribute__((noreturn)) selftest_run_all(const char *prefix);

#endif
