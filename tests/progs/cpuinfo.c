/*
 * cpuinfo - /proc/cpuinfo: one stanza per online CPU, numbered from 0, with the
 * fields Linux prints in Linux's order and the values CPUID gives.
 *
 * Compared with Linux byte for byte (tests/guest/diff.sh, and tests/guest/cpus.sh
 * at -smp 1 and 4), so what is printed in ok-lines is what both kernels must agree
 * on: the number of CPUs, each one's APIC id and place in the topology, the field
 * names, the fields that describe the CPU, and the flags that describe the CPU
 * alone. What a kernel measures or judges (cpu MHz, bogomips, bugs) is checked for
 * its form and plausibility only. Flags for features the kernel must switch on
 * (the AVX state, FSGSBASE, protection keys, ...) are checked against what a
 * program can really use: Linux turns them on, calf does not yet, and each
 * lists exactly what it did.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <cpuid.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>

#define MAX_CPUS 64
#define MAX_FIELDS 40

struct field {
	char *name, *value;
};

struct stanza {
	struct field fields[MAX_FIELDS];
	int count;
};

static char text[1 << 18];
static struct stanza stanzas[MAX_CPUS];
static int cpus;

static void read_cpuinfo(void)
{
	int fd = open("/proc/cpuinfo", O_RDONLY);
	size_t total = 0;
	ssize_t n;

	if (fd < 0)
		bail("cannot open /proc/cpuinfo: errno %d", errno);
	while ((n = read(fd, text + total, sizeof text - 1 - total)) > 0)
		total += (size_t)n;
	close(fd);
	text[total] = '\0';
}

/* "name<tabs>: value" or "name:" -> the name without its padding, the value. */
static void add_field(struct stanza *s, char *line)
{
	char *colon = strchr(line, ':');
	if (!colon || s->count == MAX_FIELDS)
		bail("odd /proc/cpuinfo line: %s", line);
	char *end = colon;
	while (end > line && (end[-1] == '\t' || end[-1] == ' '))
		end--;
	*end = '\0';
	char *value = colon + 1;
	if (*value == ' ')
		value++;
	s->fields[s->count++] = (struct field){ line, value };
}

/* Stanzas end with an empty line. */
static void parse(void)
{
	char *line = text;
	struct stanza *s = NULL;

	while (*line) {
		char *next = strchr(line, '\n');
		if (!next)
			bail("/proc/cpuinfo does not end with a newline");
		*next = '\0';
		if (*line == '\0') {
			s = NULL;
		} else {
			if (!s) {
				if (cpus == MAX_CPUS)
					bail("more than %d stanzas", MAX_CPUS);
				s = &stanzas[cpus++];
			}
			add_field(s, line);
		}
		line = next + 1;
	}
}

static const char *get(int cpu, const char *name)
{
	for (int i = 0; i < stanzas[cpu].count; i++)
		if (!strcmp(stanzas[cpu].fields[i].name, name))
			return stanzas[cpu].fields[i].value;
	return NULL;
}

static long number(int cpu, const char *name)
{
	const char *value = get(cpu, name);
	return value ? strtol(value, NULL, 0) : -1;
}

static int online_by_affinity(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
}

static void test_count(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	ok(cpus > 0 && cpus == online && cpus == online_by_affinity(),
	   "%d stanzas, one per online CPU (sysconf and sched_getaffinity agree)", cpus);
}

static void test_topology(int cpu)
{
	long apicid = number(cpu, "apicid"), siblings = number(cpu, "siblings");
	long core = number(cpu, "core id"), cores = number(cpu, "cpu cores");

	ok(number(cpu, "processor") == cpu && apicid == number(cpu, "initial apicid") &&
	   core >= 0 && cores >= 1 && cores <= siblings && siblings <= cpus,
	   "stanza %d: processor %d, apicid %ld (= initial apicid), physical id %ld, "
	   "siblings %ld, core id %ld, cpu cores %ld", cpu, cpu, apicid,
	   number(cpu, "physical id"), siblings, core, cores);
}

static void join_names(int cpu, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < stanzas[cpu].count && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
					 stanzas[cpu].fields[i].name);
}

static void test_field_names(void)
{
	char first[1024], other[1024];
	int same = 1;

	join_names(0, first, sizeof first);
	for (int cpu = 1; cpu < cpus; cpu++) {
		join_names(cpu, other, sizeof other);
		same &= !strcmp(first, other);
	}
	ok(same, "every stanza has these fields, in this order: %s", first);
}

/* Fields that describe the CPU: the same in every stanza, and Linux's. */
static void test_same_everywhere(const char *name)
{
	const char *value = get(0, name);
	int same = 1;

	for (int cpu = 1; cpu < cpus; cpu++) {
		const char *other = get(cpu, name);
		same &= (!value && !other) || (value && other && !strcmp(value, other));
	}
	ok(same, "%s: %s", name, value ? value : "(absent)");
}

static int decimal(const char *value, int decimals)
{
	const char *dot = value ? strchr(value, '.') : NULL;

	if (!dot || dot == value || strspn(value, "0123456789") != (size_t)(dot - value))
		return 0;
	return strspn(dot + 1, "0123456789") == (size_t)decimals && dot[1 + decimals] == '\0';
}

static uint64_t rdtsc(void)
{
	uint32_t low, high;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}

/* CLOCK_MONOTONIC with the TSC half-way through reading it; *width is how far
 * apart the two TSC reads were (a preempted read pairs the clocks badly). */
static long long paired(uint64_t *tsc, uint64_t *width)
{
	uint64_t before = rdtsc();
	long long ns = mono_ns();
	uint64_t after = rdtsc();

	*tsc = before + (after - before) / 2;
	*width = after - before;
	return ns;
}

/* One 10 ms window's rate in MHz, or 0 when its pairs were not tight (1%). */
static double window_mhz(void)
{
	uint64_t tsc0, tsc1, width0, width1;
	long long start = paired(&tsc0, &width0), now;

	while ((now = paired(&tsc1, &width1)) - start < 10000000)
		;
	if ((width0 + width1) * 100 > tsc1 - tsc0)
		return 0;
	return (double)(tsc1 - tsc0) * 1000.0 / (double)(now - start);
}

/*
 * The TSC's rate in MHz, measured here against CLOCK_MONOTONIC: the median of ten
 * windows. calf's clock counts timer interrupts, and a virtual CPU the host keeps
 * from running for a tick or more throws a window off, either way; the median
 * ignores the few that are.
 */
static double measured_mhz(void)
{
	double windows[10];
	int count = 0;

	for (int tries = 0; tries < 50 && count < 10; tries++) {
		double mhz = window_mhz();
		if (mhz <= 0)
			continue;
		int at = count++;
		for (; at > 0 && windows[at - 1] > mhz; at--)
			windows[at] = windows[at - 1];
		windows[at] = mhz;
	}
	return count ? windows[count / 2] : 0;
}

static void test_measured_fields(void)
{
	int formats = 1;

	for (int cpu = 0; cpu < cpus; cpu++)
		formats &= decimal(get(cpu, "cpu MHz"), 3) && decimal(get(cpu, "bogomips"), 2);
	ok(formats, "cpu MHz with three decimals and bogomips with two, in every stanza");
	double mhz = get(0, "cpu MHz") ? atof(get(0, "cpu MHz")) : 0, tsc = measured_mhz();
	ok(mhz > 0.85 * tsc && mhz < 1.15 * tsc, "cpu MHz is the TSC's rate, within 15%%");
	if (mhz <= 0.85 * tsc || mhz >= 1.15 * tsc)
		diag("cpu MHz %.3f, measured %.3f", mhz, tsc);
	double bogomips = get(0, "bogomips") ? atof(get(0, "bogomips")) : 0;
	ok(bogomips > 1.99 * mhz && bogomips < 2.01 * mhz,
	   "the first CPU's bogomips is twice its cpu MHz (a TSC-timed delay loop)");
	ok(get(0, "bugs") != NULL, "bugs: present (what it lists is each kernel's verdict)");
}

static int listed(const char *flags, const char *name)
{
	size_t length = strlen(name);

	for (const char *at = flags; (at = strstr(at, name)) != NULL; at += length)
		if ((at == flags || at[-1] == ' ') && (at[length] == ' ' || at[length] == '\0'))
			return 1;
	return 0;
}

/* Features a kernel lists only once it has switched them on (cpu_caps.c). */
static int needs_the_kernel(const char *name)
{
	static const char *const names[] = {
		"xsave", "xsaveopt", "xsavec", "xsaves", "xgetbv1", "fma", "f16c", "mpx",
		"vaes", "vpclmulqdq", "pku", "ospke", "fsgsbase", "umip", "la57", "pcid",
	};
	if (!strncmp(name, "avx", 3) || !strncmp(name, "amx", 3))
		return 1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

static void cpu_alone_flags(const char *flags, char *out, size_t size)
{
	char copy[2048];
	size_t used = 0;

	snprintf(copy, sizeof copy, "%s", flags);
	out[0] = '\0';
	for (char *name = strtok(copy, " "); name && used < size; name = strtok(NULL, " "))
		if (!needs_the_kernel(name))
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "",
						 name);
}

static int cpuid_bit(unsigned leaf, unsigned sub, int reg, unsigned bit)
{
	unsigned r[4];

	if (leaf > __get_cpuid_max(leaf & 0x80000000, NULL))
		return 0;
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
	return (r[reg] >> bit) & 1;
}

enum { EAX, EBX, ECX, EDX };

/* The AVX state is usable when the OS set OSXSAVE and XCR0's SSE and AVX bits. */
static int avx_usable(void)
{
	uint32_t low, high;

	if (!cpuid_bit(1, 0, ECX, 27) || !cpuid_bit(1, 0, ECX, 28))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
	return (low & 6) == 6;
}

static int try_rdfsbase(void *unused)
{
	uint64_t base;

	(void)unused;
	__asm__ volatile(".byte 0xf3, 0x48, 0x0f, 0xae, 0xc0" : "=a"(base));	/* rdfsbase */
	return 0;
}

static void test_flags(void)
{
	const char *flags = get(0, "flags");
	char alone[2048];
	int same = flags != NULL;

	for (int cpu = 1; cpu < cpus && same; cpu++)
		same = get(cpu, "flags") && !strcmp(flags, get(cpu, "flags"));
	ok(same, "every stanza has the same flags");
	if (!flags)
		flags = "";
	cpu_alone_flags(flags, alone, sizeof alone);
	ok(alone[0] != '\0', "flags that describe the CPU alone: %s", alone);
	ok(listed(flags, "avx") == avx_usable(), "avx listed exactly when the AVX state is on");
	ok(listed(flags, "xsave") == cpuid_bit(1, 0, ECX, 27),
	   "xsave listed exactly when CPUID says the OS enabled it (OSXSAVE)");
	ok(listed(flags, "ospke") == cpuid_bit(7, 0, ECX, 4),
	   "ospke listed exactly when CPUID says the OS enabled protection keys");
	int st = run_child(try_rdfsbase, NULL);
	ok(listed(flags, "fsgsbase") == (WIFEXITED(st) && WEXITSTATUS(st) == 0),
	   "fsgsbase listed exactly when rdfsbase runs");
}

static const char *const descriptive[] = {
	"vendor_id", "cpu family", "model", "model name", "stepping", "microcode",
	"cache size", "fpu", "fpu_exception", "cpuid level", "wp", "TLB size",
	"clflush size", "cache_alignment", "address sizes", "power management",
};
#define DESCRIPTIVE (int)(sizeof descriptive / sizeof descriptive[0])

int main(void)
{
	no_core_dumps();
	read_cpuinfo();
	parse();
	plan(1 + cpus + 1 + DESCRIPTIVE + 4 + 6);
	test_count();
	for (int cpu = 0; cpu < cpus; cpu++)
		test_topology(cpu);
	test_field_names();
	for (int i = 0; i < DESCRIPTIVE; i++)
		test_same_everywhere(descriptive[i]);
	test_measured_fields();
	test_flags();
	return done();
}
