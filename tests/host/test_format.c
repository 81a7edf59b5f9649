/*
 * Host tests for lib/format.c. snprintf and vsnprintf here are calf's (see
 * calf_names.h); the host C library's snprintf is reached only at the bottom of
 * this file, for a randomized comparison over the formats where C fully defines
 * the output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <sys/types.h>

#include "lib/format.h"
#include "lib/string.h"

typedef int (*snprintf_fn)(char *buf, size_t size, const char *fmt, ...);
static snprintf_fn host_snprintf(void);

#define BIG 512
#define SENTINEL '\x7e'

/*
 * Formats into every buffer size from 0 to one past the full length and checks
 * each: the return value is always the full length, the prefix that fits is
 * written and terminated, and nothing past size is touched.
 */
static void vcheck(const char *want, const char *fmt, va_list args)
{
	size_t len = strlen(want);
	char buf[BIG];

	assert_true(len + 2 < BIG);
	for (size_t size = 0; size <= len + 1; size++) {
		va_list ap;

		memset(buf, SENTINEL, sizeof(buf));
		va_copy(ap, args);
		int n = vsnprintf(buf, size, fmt, ap);
		va_end(ap);

		assert_int_equal(n, len);
		if (size > 0) {
			size_t kept = len < size - 1 ? len : size - 1;
			assert_memory_equal(buf, want, kept);
			assert_int_equal(buf[kept], '\0');
		}
		for (size_t i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], SENTINEL);
	}
}

/* check() lets gcc type-check the arguments against the format... */
__attribute__((format(printf, 2, 3)))
static void check(const char *want, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vcheck(want, fmt, args);
	va_end(args);
}

/* ...and check_odd() does not, for formats gcc rightly warns about (flags that
 * C ignores, unknown conversions) whose output is still pinned down. */
static void check_odd(const char *want, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vcheck(want, fmt, args);
	va_end(args);
}

/* ---------------------------------------------------------------- buffer handling */

static void test_plain_text(void **state)
{
	(void)state;
	check_odd("", "");
	check("hello, world", "hello, world");
	check("%", "%%");
	check("100% sure", "100%% sure");
	check("%%", "%%%%");
}

/* text_add: pieces append; past the end only the length grows; NULL measures. */
static void test_text_add(void **state)
{
	(void)state;
	char buf[8];
	struct text t = { buf, sizeof(buf), 0 };

	text_add(&t, "%s", "abc");
	text_add(&t, "%d", 42);
	assert_int_equal(t.length, 5);
	assert_string_equal(buf, "abc42");
	text_add(&t, "%s", "defgh");
	assert_int_equal(t.length, 10);		/* what it needed: truncation shows */
	assert_string_equal(buf, "abc42de");	/* terminated within the buffer */
	text_add(&t, "more");
	assert_int_equal(t.length, 14);

	struct text measure = { NULL, 0, 0 };
	text_add(&measure, "cpu%u %lu\n", 3u, 12345ul);
	assert_int_equal(measure.length, 11);
}

static void test_size_zero(void **state)
{
	(void)state;
	char c = SENTINEL;

	/* size 0: nothing written, and buf may be NULL. */
	assert_int_equal(snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
	assert_int_equal(snprintf(&c, 0, "xyz"), 3);
	assert_int_equal(c, SENTINEL);
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[4];

	assert_int_equal(snprintf(buf, sizeof(buf), "hello world"), 11);
	assert_string_equal(buf, "hel");
	assert_int_equal(snprintf(buf, 1, "hello"), 5);
	assert_string_equal(buf, "");
	/* Truncation inside padding and inside a number. */
	assert_int_equal(snprintf(buf, sizeof(buf), "%10d", 5), 10);
	assert_string_equal(buf, "   ");
	assert_int_equal(snprintf(buf, sizeof(buf), "%d", -123456), 7);
	assert_string_equal(buf, "-12");
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	int n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

static void test_vsnprintf(void **state)
{
	(void)state;
	char buf[32];

	assert_int_equal(call_vsnprintf(buf, sizeof(buf), "%s=%d", "x", -7), 4);
	assert_string_equal(buf, "x=-7");
}

/* ---------------------------------------------------------------- integers */

static void test_decimal(void **state)
{
	(void)state;
	check("0", "%d", 0);
	check("42", "%d", 42);
	check("-42", "%d", -42);
	check("42", "%i", 42);
	check("-1", "%i", -1);
	check("2147483647", "%d", INT_MAX);
	check("-2147483648", "%d", INT_MIN);
	check("0", "%u", 0u);
	check("4294967295", "%u", UINT_MAX);
	check("1 -2 3", "%d %d %d", 1, -2, 3);
}

static void test_hex_octal(void **state)
{
	(void)state;
	check("0", "%x", 0u);
	check("ff", "%x", 255u);
	check("FF", "%X", 255u);
	check("deadbeef", "%x", 0xdeadbeefu);
	check("DEADBEEF", "%X", 0xdeadbeefu);
	check("ffffffff", "%x", UINT_MAX);
	check("0", "%o", 0u);
	check("377", "%o", 255u);
	check("37777777777", "%o", UINT_MAX);
}

static void test_length_modifiers(void **state)
{
	(void)state;
	/* hh and h cut the promoted int back to the named type. */
	check("-1", "%hhd", 255);
	check("127", "%hhd", 127);
	check("-128", "%hhd", 128);
	check("255", "%hhu", -1);
	check("ff", "%hhx", 0x1ff);
	check("-1", "%hd", 65535);
	check("-32768", "%hd", SHRT_MIN);
	check("4464", "%hu", 70000);
	check("ffff", "%hx", -1);

	check("-9223372036854775808", "%ld", LONG_MIN);
	check("9223372036854775807", "%ld", LONG_MAX);
	check("18446744073709551615", "%lu", ULONG_MAX);
	check("9223372036854775807", "%lld", LLONG_MAX);
	check("-9223372036854775808", "%lld", LLONG_MIN);
	check("18446744073709551615", "%llu", ULLONG_MAX);
	check("ffffffffffffffff", "%llx", ULLONG_MAX);
	check("FFFFFFFFFFFFFFFF", "%llX", ULLONG_MAX);
	check("1777777777777777777777", "%llo", ULLONG_MAX);
	check("1000000000000000000000", "%llo", 1ull << 63);

	check("-9223372036854775808", "%" PRId64, INT64_MIN);
	check("9223372036854775807", "%" PRIi64, INT64_MAX);
	check("18446744073709551615", "%" PRIu64, UINT64_MAX);
	check("-9223372036854775808", "%jd", INTMAX_MIN);
	check("18446744073709551615", "%ju", UINTMAX_MAX);
	check("18446744073709551615", "%zu", SIZE_MAX);
	check("ffffffffffffffff", "%zx", SIZE_MAX);
	check("-1", "%zd", (ssize_t)-1);
	check("-9223372036854775808", "%td", PTRDIFF_MIN);
	check("9223372036854775807", "%td", PTRDIFF_MAX);
	/* The modifier decides how many bytes are read: a long long then an int. */
	check("4294967296 7", "%lld %d", 1ll << 32, 7);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	check("   42", "%5d", 42);
	check("42", "%1d", 42);
	check("42   |", "%-5d|", 42);
	check("00042", "%05d", 42);
	check("-0042", "%05d", -42);
	check("  -42", "%5d", -42);
	check("-42  |", "%-5d|", -42);
	check("+42", "%+d", 42);
	check("-42", "%+d", -42);
	check("+0", "%+d", 0);
	check(" 42", "% d", 42);
	check("-42", "% d", -42);
	check(" 0", "% d", 0);
	check("  +42", "%+5d", 42);
	check("+0042", "%+05d", 42);
	check(" 0042", "% 05d", 42);
	check("+42  |", "%-+5d|", 42);
	check("000ff", "%05x", 255u);
	check("   FF", "%5X", 255u);
	check("ff   |", "%-5x|", 255u);
	check("00377", "%05o", 255u);
	check("-9223372036854775808", "%5lld", LLONG_MIN);
	check("   -9223372036854775808", "%23lld", LLONG_MIN);
	check("-0009223372036854775808", "%023lld", LLONG_MIN);
	/* Flags may repeat and come in any order. */
	check_odd("+42  |", "%--++5d|", 42);
	/* '-' overrides '0', '+' overrides ' '. */
	check_odd("42   |", "%-05d|", 42);
	check_odd("42   |", "%0-5d|", 42);
	check_odd("+42", "%+ d", 42);
	check_odd("+42", "% +d", 42);
	/* '+' and ' ' only concern signed conversions. */
	check_odd("42", "%+u", 42u);
	check_odd("ff", "% x", 255u);
}

static void test_precision(void **state)
{
	(void)state;
	check("007", "%.3d", 7);
	check("-007", "%.3d", -7);
	check("+007", "%+.3d", 7);
	check("12345", "%.3d", 12345);
	check("     007", "%8.3d", 7);
	check("007     |", "%-8.3d|", 7);
	check("    -007", "%8.3d", -7);
	check("0000000000000000000000042", "%.25d", 42);
	check("-9223372036854775808", "%.3lld", LLONG_MIN);
	check("00ff", "%.4x", 255u);
	check("00377", "%.5o", 255u);
	check("0000000042", "%.10u", 42u);
	/* Zero with precision 0 prints no digits at all; width still pads. */
	check("", "%.0d", 0);
	check("", "%.d", 0);
	check("     ", "%5.0d", 0);
	check("|     |", "|%-5.0d|", 0);
	check("+", "%+.0d", 0);
	check(" ", "% .0d", 0);
	check("", "%.0u", 0u);
	check("", "%.0x", 0u);
	check("", "%.0o", 0u);
	check("1", "%.0d", 1);
	check("0", "%.1d", 0);
	/* A precision switches off '0' padding for integers. */
	check_odd("     007", "%08.3d", 7);
	check_odd("    -007", "%08.3d", -7);
	check_odd("   ff", "%05.2x", 255u);
}

static void test_alternate_form(void **state)
{
	(void)state;
	check("0xff", "%#x", 255u);
	check("0XFF", "%#X", 255u);
	check("0x0000ff", "%#08x", 255u);
	check("    0xff", "%#8x", 255u);
	check("0xff    |", "%#-8x|", 255u);
	check("0x00ff", "%#.4x", 255u);
	check("  0x00ff", "%#8.4x", 255u);
	check("0xffffffffffffffff", "%#llx", ULLONG_MAX);
	/* No prefix for zero. */
	check("0", "%#x", 0u);
	check("0", "%#X", 0u);
	check("    0", "%#5x", 0u);
	check("00000", "%#05x", 0u);
	check("", "%#.0x", 0u);
	/* %#o makes the first digit a 0, raising the precision only if needed. */
	check("010", "%#o", 8u);
	check("0377", "%#o", 255u);
	check("0", "%#o", 0u);
	check("0", "%#.0o", 0u);
	check("010", "%#.3o", 8u);
	check("0010", "%#.4o", 8u);
	check("  010", "%#5o", 8u);
	check("00010", "%#05o", 8u);
	check("010  |", "%#-5o|", 8u);
	check("01777777777777777777777", "%#llo", ULLONG_MAX);
}

static void test_star(void **state)
{
	(void)state;
	check("   42", "%*d", 5, 42);
	check("42", "%*d", 0, 42);
	check("007", "%.*d", 3, 7);
	check("   007", "%*.*d", 6, 3, 7);
	check("he", "%.*s", 2, "hello");
	check("   he", "%*.*s", 5, 2, "hello");
	/* A negative width is the '-' flag with the width made positive. */
	check("42   |", "%*d|", -5, 42);
	check("42   |", "%-*d|", -5, 42);
	check("ab   |", "%*s|", -5, "ab");
	check("x  |", "%*c|", -3, 'x');
	check_odd("42   |", "%0*d|", -5, 42);
	/* A negative precision is as if none were given. */
	check("7", "%.*d", -1, 7);
	check("0", "%.*d", -3, 0);
	check("hello", "%.*s", -1, "hello");
	check_odd("00042", "%05.*d", -1, 42);
	check("0xff", "%#.*x", -2, 255u);
	/* '*' arguments are consumed in order with the value. */
	check("[  a][b  ]", "[%*c][%-*c]", 3, 'a', 3, 'b');
}

/* ---------------------------------------------------------------- chars, strings, pointers */

static void test_char(void **state)
{
	(void)state;
	check("A", "%c", 'A');
	check("  A", "%3c", 'A');
	check("A  |", "%-3c|", 'A');
	check("ab", "%c%c", 'a', 'b');
	/* The int is converted to unsigned char. */
	check("A", "%c", 'A' + 0x100);
	check("\xff", "%c", 0xff);
	/* '0' does not apply to %c, and precision is meaningless for it. */
	check_odd("  A", "%03c", 'A');
	check_odd("A", "%.0c", 'A');
}

static void test_char_nul(void **state)
{
	(void)state;
	char buf[8];

	/* A NUL from %c is output like any character and counted. */
	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void test_string(void **state)
{
	(void)state;
	check("hello", "%s", "hello");
	check("", "%s", "");
	check("     hello", "%10s", "hello");
	check("hello     |", "%-10s|", "hello");
	check("hello", "%3s", "hello");
	check("hel", "%.3s", "hello");
	check("       hel", "%10.3s", "hello");
	check("hel       |", "%-10.3s|", "hello");
	check("", "%.0s", "hello");
	check("   ", "%3.0s", "hello");
	check("hello", "%.10s", "hello");
	check("a-b", "%s-%s", "a", "b");
	check("%d", "%s", "%d");      /* the argument is not a format */
	check_odd("   ab", "%05s", "ab");
	check_odd("ab", "%+ #s", "ab");
}

static void test_string_null(void **state)
{
	(void)state;
	const char *null = NULL;

	check_odd("(null)", "%s", null);
	check_odd("  (null)", "%8s", null);
	check_odd("(null)  |", "%-8s|", null);
	check_odd("(nu", "%.3s", null);
}

static void test_string_precision_unterminated(void **state)
{
	(void)state;
	/* With a precision the array need not be terminated (ASan checks that no
	 * byte past it is read). */
	const char raw[3] = { 'a', 'b', 'c' };

	check("abc", "%.3s", raw);
	check("ab", "%.2s", raw);
	check("  abc", "%5.3s", raw);
}

static void test_pointer(void **state)
{
	(void)state;
	check("0x0000000000000000", "%p", (void *)0);
	check("0x0000000000001234", "%p", (void *)0x1234);
	check("0xffffffff80000000", "%p", (void *)(uintptr_t)0xffffffff80000000ull);
	check("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	check("  0x00000000000000ab", "%20p", (void *)0xab);
	check("0x00000000000000ab  |", "%-20p|", (void *)0xab);
	check("0x00000000000000ab", "%5p", (void *)0xab);
	/* Everything but width and '-' is ignored: the form is fixed. */
	check_odd("  0x00000000000000ab", "%020p", (void *)0xab);
	check_odd("0x00000000000000ab", "%+ #p", (void *)0xab);
	check_odd("0x00000000000000ab", "%.3p", (void *)0xab);
	check_odd("0x00000000000000ab", "%.30p", (void *)0xab);
}

/* ---------------------------------------------------------------- odd formats */

static void test_unknown_conversion(void **state)
{
	(void)state;
	/* Copied verbatim from the '%' on, and consuming no argument. */
	check_odd("%y", "%y");
	check_odd("a%yb", "a%yb");
	check_odd("%-5.3y", "%-5.3y");
	check_odd("%lly 7", "%lly %d", 7);
	check_odd("%f", "%f");
	/* A format ending inside a conversion keeps what was there. */
	check_odd("abc%", "abc%");
	check_odd("%-", "%-");
	check_odd("x%05.2l", "x%05.2l");
	/* '%' with flags still prints a single '%'. */
	check_odd("%", "%5%");
}

/* snprintf without gcc's format checks, which reject these sizes outright. */
static int odd_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	int n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

static void test_huge_width(void **state)
{
	(void)state;
	char buf[8];

	/* INT_MAX characters is the most an int can report... */
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "%2147483646d", 1), INT_MAX - 1);
	assert_string_equal(buf, "       ");
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "%2147483647d", 1), INT_MAX);
	/* ...one more is an error, though the buffer is still filled. */
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "x%2147483647d", 1), -1);
	assert_string_equal(buf, "x      ");
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "%99999999999999999999d", 1), -1);
	/* INT_MIN as a '*' width: left-justified, 2^31 wide, no overflow. */
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "%*d", INT_MIN, 1), -1);
	assert_string_equal(buf, "1      ");
	assert_int_equal(odd_snprintf(buf, sizeof(buf), "%.*d", INT_MAX, 1), INT_MAX);
	assert_string_equal(buf, "0000000");
}

/* ---------------------------------------------------------------- against the host libc */

/* xorshift64: a fixed sequence, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

enum kind { K_INT, K_UINT, K_LONG, K_ULONG, K_LLONG, K_ULLONG, K_SIZE, K_SSIZE,
	    K_PTRDIFF, K_INTMAX, K_UINTMAX, K_CHAR, K_STR };

struct random_case {
	char fmt[64];
	int nstar;
	int star[2];
	enum kind kind;
	uint64_t value;
	const char *str;
};

/* Values near the edges are far more interesting than uniform ones. */
static uint64_t interesting_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 7, 8, 9, 10, 15, 16, 255, 256, 0x7f, 0x80, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	};

	switch (rnd_below(4)) {
	case 0: return edges[rnd_below(sizeof(edges) / sizeof(edges[0]))];
	case 1: return -edges[rnd_below(sizeof(edges) / sizeof(edges[0]))];
	case 2: return rnd() >> rnd_below(64);
	default: return rnd();
	}
}

static void append(char **p, const char *s)
{
	size_t n = strlen(s);

	memcpy(*p, s, n);
	*p += n;
}

/* Written out by hand rather than with the formatter under test. */
static void append_small(char **p, unsigned n)
{
	if (n >= 10)
		*(*p)++ = (char)('0' + n / 10);
	*(*p)++ = (char)('0' + n % 10);
}

/*
 * Builds a conversion from the combinations C fully defines: flags only where
 * they have a meaning ('0' never for %c/%s, '#' only for o/x/X, '+' and ' ' only
 * for d/i), no precision for %c, and argument types that match the modifier.
 * A '0' next to a precision is fine: C defines it as ignored for integers.
 */
static void random_case(struct random_case *c)
{
	static const char convs[] = "diuxXocs";
	char conv = convs[rnd_below(sizeof(convs) - 1)];
	int is_signed = conv == 'd' || conv == 'i';
	int is_int = conv != 'c' && conv != 's';
	char *p = c->fmt;

	c->nstar = 0;
	c->star[0] = c->star[1] = 0;
	*p++ = '[';
	*p++ = '%';
	if (rnd_below(2))
		*p++ = '-';
	if (is_signed && rnd_below(3) == 0)
		*p++ = '+';
	if (is_signed && rnd_below(3) == 0)
		*p++ = ' ';
	if ((conv == 'o' || conv == 'x' || conv == 'X') && rnd_below(2))
		*p++ = '#';

	int zero = is_int && rnd_below(3) == 0;
	if (zero)
		*p++ = '0';

	switch (rnd_below(3)) {
	case 0: break;
	case 1: append_small(&p, rnd_below(30)); break;
	default:
		*p++ = '*';
		c->star[c->nstar++] = (int)rnd_below(61) - 30;
		break;
	}

	if (conv != 'c' && rnd_below(2)) {
		*p++ = '.';
		switch (rnd_below(3)) {
		case 0: append_small(&p, rnd_below(30)); break;
		case 1: break;   /* "." alone means 0 */
		default:
			*p++ = '*';
			c->star[c->nstar++] = (int)rnd_below(41) - 10;
			break;
		}
	}

	if (conv == 's') {
		static const char *strs[] = { "", "a", "hello", "calf kernel", "%d" };
		c->kind = K_STR;
		c->str = strs[rnd_below(sizeof(strs) / sizeof(strs[0]))];
	} else if (conv == 'c') {
		c->kind = K_CHAR;
		c->value = ' ' + rnd_below(95);
	} else {
		static const char *mods[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
		unsigned m = rnd_below(sizeof(mods) / sizeof(mods[0]));
		append(&p, mods[m]);
		switch (m) {
		case 0: case 1: case 2: c->kind = is_signed ? K_INT : K_UINT; break;
		case 3: c->kind = is_signed ? K_LONG : K_ULONG; break;
		case 4: c->kind = is_signed ? K_LLONG : K_ULLONG; break;
		case 5: c->kind = is_signed ? K_SSIZE : K_SIZE; break;
		case 6: c->kind = K_PTRDIFF; break;
		default: c->kind = is_signed ? K_INTMAX : K_UINTMAX; break;
		}
		c->value = interesting_value();
	}
	*p++ = conv;
	*p++ = ']';
	*p = '\0';
}

/* The same call through either implementation. The casts from uint64_t wrap,
 * which gcc defines; each argument gets exactly the type its modifier reads. */
static int call_with(snprintf_fn fn, char *buf, size_t size, const struct random_case *c)
{
#define WITH_STARS(v) \
	(c->nstar == 0 ? fn(buf, size, c->fmt, v) : \
	 c->nstar == 1 ? fn(buf, size, c->fmt, c->star[0], v) : \
			 fn(buf, size, c->fmt, c->star[0], c->star[1], v))

	switch (c->kind) {
	case K_INT: return WITH_STARS((int)c->value);
	case K_UINT: return WITH_STARS((unsigned)c->value);
	case K_LONG: return WITH_STARS((long)c->value);
	case K_ULONG: return WITH_STARS((unsigned long)c->value);
	case K_LLONG: return WITH_STARS((long long)c->value);
	case K_ULLONG: return WITH_STARS((unsigned long long)c->value);
	case K_SIZE: return WITH_STARS((size_t)c->value);
	case K_SSIZE: return WITH_STARS((ssize_t)c->value);
	case K_PTRDIFF: return WITH_STARS((ptrdiff_t)c->value);
	case K_INTMAX: return WITH_STARS((intmax_t)c->value);
	case K_UINTMAX: return WITH_STARS((uintmax_t)c->value);
	case K_CHAR: return WITH_STARS((int)c->value);
	case K_STR: return WITH_STARS(c->str);
	}
#undef WITH_STARS
	fail();
	return 0;
}

static void test_random_against_host(void **state)
{
	(void)state;
	snprintf_fn host = host_snprintf();

	for (int i = 0; i < 100000; i++) {
		struct random_case c;
		char mine[128], theirs[128];

		random_case(&c);
		/* Random sizes exercise truncation at every point. */
		size_t size = rnd_below(4) == 0 ? rnd_below(50) : sizeof(mine);
		memset(mine, SENTINEL, sizeof(mine));
		memset(theirs, SENTINEL, sizeof(theirs));
		int n_mine = call_with(snprintf, mine, size, &c);
		int n_theirs = call_with(host, theirs, size, &c);
		if (n_mine != n_theirs || memcmp(mine, theirs, sizeof(mine)) != 0)
			fail_msg("format \"%s\" ('*' args %d %d, value 0x%" PRIx64 ", size %zu): "
				 "calf %d \"%.*s\", libc %d \"%.*s\"",
				 c.fmt, c.star[0], c.star[1], c.value, size,
				 n_mine, (int)sizeof(mine), mine, n_theirs, (int)sizeof(theirs), theirs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_hex_octal),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_alternate_form),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_char_nul),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_null),
		cmocka_unit_test(test_string_precision_unterminated),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_huge_width),
		cmocka_unit_test(test_random_against_host),
		cmocka_unit_test(test_text_add),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}

/*
 * The host C library's snprintf, for the comparison above. calf_names.h turned
 * every earlier "snprintf" into calf_snprintf; from here to the end of the file
 * the name means the C library's again.
 */
#undef snprintf
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...);

static snprintf_fn host_snprintf(void)
{
	return snprintf;
}
