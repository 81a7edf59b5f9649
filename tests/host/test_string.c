/*
 * Host tests for lib/string.c. Every name here is calf's (see calf_names.h), so
 * expected results come from literals or from plain loops written out below,
 * never from the host C library.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"

/*
 * The word loops in memset/memcpy/memmove take a different path depending on
 * where the start falls within a word and how many bytes trail, so the sweeps
 * below cover every offset inside two words and lengths either side of several
 * word multiples.
 */
#define MAX_OFFSET 16
#define MAX_LEN 72
#define AREA (MAX_OFFSET + MAX_LEN + MAX_OFFSET)

/* A recognisable, non-repeating byte for position i, so misplaced bytes show. */
static unsigned char pattern(size_t i, unsigned salt)
{
	return (unsigned char)(i * 7 + salt * 13 + 1);
}

static void fill(unsigned char *buf, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i, salt);
}

static void assert_bytes(const unsigned char *got, const unsigned char *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i])
			fail_msg("byte %zu: got 0x%02x, want 0x%02x", i, got[i], want[i]);
	}
}

/* ---------------------------------------------------------------- memset */

static void test_memset_sweep(void **state)
{
	(void)state;
	unsigned char buf[AREA], want[AREA];

	for (size_t off = 0; off < MAX_OFFSET; off++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill(buf, AREA, 1);
			fill(want, AREA, 1);
			for (size_t i = 0; i < len; i++)
				want[off + i] = 0xa5;
			assert_ptr_equal(memset(buf + off, 0xa5, len), buf + off);
			assert_bytes(buf, want, AREA);
		}
	}
}

static void test_memset_uses_low_byte(void **state)
{
	(void)state;
	unsigned char buf[24];

	memset(buf, 0x1ff, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xff);
	memset(buf, -1, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xff);
	memset(buf, 0x100, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

static void test_memset_zero_length(void **state)
{
	(void)state;
	unsigned char buf[4] = { 1, 2, 3, 4 };

	assert_ptr_equal(memset(buf + 1, 9, 0), buf + 1);
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1], 2);
	assert_int_equal(buf[2], 3);
	assert_int_equal(buf[3], 4);
}

/* ---------------------------------------------------------------- memcpy */

static void test_memcpy_sweep(void **state)
{
	(void)state;
	unsigned char src[AREA], dst[AREA], want[AREA];

	fill(src, AREA, 2);
	for (size_t soff = 0; soff < MAX_OFFSET; soff++) {
		for (size_t doff = 0; doff < MAX_OFFSET; doff++) {
			for (size_t len = 0; len <= MAX_LEN; len++) {
				fill(dst, AREA, 3);
				fill(want, AREA, 3);
				for (size_t i = 0; i < len; i++)
					want[doff + i] = src[soff + i];
				assert_ptr_equal(memcpy(dst + doff, src + soff, len), dst + doff);
				assert_bytes(dst, want, AREA);
			}
		}
	}
}

static void test_memcpy_page(void **state)
{
	(void)state;
	static unsigned char src[4096 + 3], dst[4096 + 3];

	fill(src, sizeof(src), 4);
	memcpy(dst, src, sizeof(dst));
	assert_bytes(dst, src, sizeof(dst));
	memcpy(dst + 1, src + 2, 4096);
	assert_bytes(dst + 1, src + 2, 4096);
}

/* ---------------------------------------------------------------- memmove */

/* Runs memmove inside one buffer and checks it against a copy made through a
 * separate scratch buffer, which is what memmove must behave like. */
static void check_move(size_t doff, size_t soff, size_t len)
{
	unsigned char buf[AREA], want[AREA], tmp[AREA];

	fill(buf, AREA, 5);
	fill(want, AREA, 5);
	for (size_t i = 0; i < len; i++)
		tmp[i] = want[soff + i];
	for (size_t i = 0; i < len; i++)
		want[doff + i] = tmp[i];
	assert_ptr_equal(memmove(buf + doff, buf + soff, len), buf + doff);
	assert_bytes(buf, want, AREA);
}

static void test_memmove_sweep(void **state)
{
	(void)state;
	/* Every pair of offsets: dst below src, above it and equal, with overlaps
	 * of every size when len is larger than the distance. */
	for (size_t soff = 0; soff < 2 * MAX_OFFSET; soff++) {
		for (size_t doff = 0; doff < 2 * MAX_OFFSET; doff++) {
			for (size_t len = 0; len <= MAX_LEN; len++)
				check_move(doff, soff, len);
		}
	}
}

static void test_memmove_overlap_examples(void **state)
{
	(void)state;
	char fwd[] = "abcdefghij";
	char back[] = "abcdefghij";

	memmove(fwd, fwd + 2, 8);       /* dst below src */
	assert_memory_equal(fwd, "cdefghijij", 11);
	memmove(back + 2, back, 8);     /* dst above src */
	assert_memory_equal(back, "ababcdefgh", 11);
	memmove(back, back, 10);        /* no movement at all */
	assert_memory_equal(back, "ababcdefgh", 11);
}

static void test_memmove_long_overlap(void **state)
{
	(void)state;
	static unsigned char buf[4096 + 64], want[4096 + 64];

	/* Word-aligned and unaligned shifts by less than a word, both directions. */
	for (size_t shift = 1; shift <= 9; shift++) {
		fill(buf, sizeof(buf), 6);
		fill(want, sizeof(want), 6);
		memmove(buf + shift, buf, 4096);
		for (size_t i = 0; i < 4096; i++)
			want[shift + i] = pattern(i, 6);
		assert_bytes(buf, want, sizeof(buf));

		fill(buf, sizeof(buf), 6);
		fill(want, sizeof(want), 6);
		memmove(buf, buf + shift, 4096);
		for (size_t i = 0; i < 4096; i++)
			want[i] = pattern(i + shift, 6);
		assert_bytes(buf, want, sizeof(buf));
	}
}

/* ---------------------------------------------------------------- memcmp, memchr */

static void test_memcmp(void **state)
{
	(void)state;
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_int_equal(memcmp("abc", "abd", 0), 0);
	assert_int_equal(memcmp("abc", "abd", 2), 0);
	assert_true(memcmp("abc", "abd", 3) < 0);
	assert_true(memcmp("abd", "abc", 3) > 0);
	assert_true(memcmp("xbc", "abc", 3) > 0);
	/* Bytes compare as unsigned char: 0x80 is above 0x01. */
	assert_true(memcmp("\x80", "\x01", 1) > 0);
	assert_true(memcmp("\x01", "\xff", 1) < 0);
	/* Embedded NULs are ordinary bytes. */
	assert_int_equal(memcmp("a\0b", "a\0b", 3), 0);
	assert_true(memcmp("a\0b", "a\0c", 3) < 0);
}

static void test_memchr(void **state)
{
	(void)state;
	const char s[] = "hello\0world";

	assert_ptr_equal(memchr(s, 'l', sizeof(s)), s + 2);
	assert_ptr_equal(memchr(s, 'h', sizeof(s)), s);
	assert_ptr_equal(memchr(s, 'w', sizeof(s)), s + 6);   /* past the NUL */
	assert_ptr_equal(memchr(s, '\0', sizeof(s)), s + 5);
	assert_null(memchr(s, 'z', sizeof(s)));
	assert_null(memchr(s, 'o', 4));                        /* just outside n */
	assert_ptr_equal(memchr(s, 'o', 5), s + 4);            /* last byte of n */
	assert_null(memchr(s, 'h', 0));
	/* The byte is converted to unsigned char. */
	assert_ptr_equal(memchr(s, 'e' + 0x100, sizeof(s)), s + 1);
	assert_ptr_equal(memchr("a\xff", -1, 2), (const char *)"a\xff" + 1);
}

/* ---------------------------------------------------------------- strlen, strnlen */

static void test_strlen(void **state)
{
	(void)state;
	char buf[MAX_OFFSET + MAX_LEN + 1];

	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("a"), 1);
	assert_int_equal(strlen("hello"), 5);
	assert_int_equal(strlen("ab\0cd"), 2);
	for (size_t off = 0; off < MAX_OFFSET; off++) {
		for (size_t len = 0; len < MAX_LEN; len++) {
			for (size_t i = 0; i < len; i++)
				buf[off + i] = 'x';
			buf[off + len] = '\0';
			assert_int_equal(strlen(buf + off), len);
		}
	}
}

static void test_strnlen(void **state)
{
	(void)state;
	/* Not terminated: strnlen must not look past max (ASan would notice). */
	const char raw[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(strnlen("hello", 0), 0);
	assert_int_equal(strnlen("hello", 3), 3);
	assert_int_equal(strnlen("hello", 5), 5);
	assert_int_equal(strnlen("hello", 6), 5);
	assert_int_equal(strnlen("hello", SIZE_MAX), 5);
	assert_int_equal(strnlen("", 10), 0);
	assert_int_equal(strnlen(raw, sizeof(raw)), 4);
	assert_int_equal(strnlen(raw, 2), 2);
}

/* ---------------------------------------------------------------- strcmp, strncmp */

static void test_strcmp(void **state)
{
	(void)state;
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_true(strcmp("abc", "abd") < 0);
	assert_true(strcmp("abd", "abc") > 0);
	assert_true(strcmp("ab", "abc") < 0);   /* a prefix sorts first */
	assert_true(strcmp("abc", "ab") > 0);
	assert_true(strcmp("", "a") < 0);
	assert_true(strcmp("a", "") > 0);
	assert_true(strcmp("\xff", "a") > 0);   /* unsigned char order */
	assert_true(strcmp("a", "\x80") < 0);
	assert_int_equal(strcmp("ab\0x", "ab\0y"), 0);
}

static void test_strncmp(void **state)
{
	(void)state;
	assert_int_equal(strncmp("abc", "xyz", 0), 0);
	assert_int_equal(strncmp("abcx", "abcy", 3), 0);
	assert_true(strncmp("abcx", "abcy", 4) < 0);
	assert_true(strncmp("abcy", "abcx", 10) > 0);
	assert_int_equal(strncmp("abc", "abc", 10), 0);
	assert_true(strncmp("ab", "abc", 3) < 0);
	assert_true(strncmp("abc", "ab", 3) > 0);
	assert_int_equal(strncmp("ab", "abc", 2), 0);
	/* Comparison stops at a common terminator even if n goes further. */
	assert_int_equal(strncmp("ab\0x", "ab\0y", 4), 0);
	assert_true(strncmp("\xff", "a", 1) > 0);
}

/* ---------------------------------------------------------------- strchr, strrchr */

static void test_strchr(void **state)
{
	(void)state;
	const char *s = "hello";

	assert_ptr_equal(strchr(s, 'l'), s + 2);
	assert_ptr_equal(strchr(s, 'h'), s);
	assert_ptr_equal(strchr(s, 'o'), s + 4);
	assert_null(strchr(s, 'z'));
	assert_ptr_equal(strchr(s, '\0'), s + 5);
	assert_ptr_equal(strchr("", '\0'), (const char *)"" + 0);
	assert_null(strchr("", 'a'));
	/* The int is converted to char, as C says. */
	assert_ptr_equal(strchr(s, 'e' + 0x100), s + 1);
	const char *hi = "a\xff";
	assert_ptr_equal(strchr(hi, 0xff), hi + 1);
	assert_ptr_equal(strchr(hi, -1), hi + 1);
	/* Nothing after the terminator is searched. */
	assert_null(strchr("ab\0c", 'c'));
}

static void test_strrchr(void **state)
{
	(void)state;
	const char *s = "hello";

	assert_ptr_equal(strrchr(s, 'l'), s + 3);
	assert_ptr_equal(strrchr(s, 'h'), s);
	assert_ptr_equal(strrchr(s, 'o'), s + 4);
	assert_null(strrchr(s, 'z'));
	assert_ptr_equal(strrchr(s, '\0'), s + 5);
	assert_null(strrchr("", 'a'));
	assert_null(strrchr("ab\0c", 'c'));
	const char *hi = "\xff" "a\xff" "b";
	assert_ptr_equal(strrchr(hi, 0xff), hi + 2);
}

/* ---------------------------------------------------------------- strlcpy, strlcat */

static void test_strlcpy(void **state)
{
	(void)state;
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'X');          /* nothing written past the NUL */

	/* Exactly size - 1 characters fit. */
	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");

	/* Truncated, still terminated, and the return value says how much was lost. */
	assert_int_equal(strlcpy(buf, "123456789", sizeof(buf)), 9);
	assert_string_equal(buf, "1234567");

	assert_int_equal(strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");

	/* size 1: only the terminator. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');

	/* size 0: nothing written at all, not even a terminator. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'X');
}

static void test_strlcat(void **state)
{
	(void)state;
	char buf[8];

	strlcpy(buf, "ab", sizeof(buf));
	assert_int_equal(strlcat(buf, "cd", sizeof(buf)), 4);
	assert_string_equal(buf, "abcd");

	/* Fills to exactly size - 1. */
	assert_int_equal(strlcat(buf, "efg", sizeof(buf)), 7);
	assert_string_equal(buf, "abcdefg");

	/* Full already: nothing appended, the return value is still the wanted length. */
	assert_int_equal(strlcat(buf, "hij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");

	/* Truncated in the middle of src. */
	strlcpy(buf, "abcd", sizeof(buf));
	assert_int_equal(strlcat(buf, "efghij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");

	/* Empty src. */
	strlcpy(buf, "abc", sizeof(buf));
	assert_int_equal(strlcat(buf, "", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");

	/* Empty dst. */
	buf[0] = '\0';
	assert_int_equal(strlcat(buf, "xyz", sizeof(buf)), 3);
	assert_string_equal(buf, "xyz");

	/* A size smaller than strlen(dst): dst holds no NUL within size, is left
	 * alone, and the result is size + strlen(src). */
	strlcpy(buf, "abcdef", sizeof(buf));
	assert_int_equal(strlcat(buf, "xy", 3), 5);
	assert_string_equal(buf, "abcdef");

	/* size 0: dst not even read. */
	assert_int_equal(strlcat(buf, "xy", 0), 2);
	assert_string_equal(buf, "abcdef");

	/* size == strlen(dst) + 1: no room for a single character. */
	assert_int_equal(strlcat(buf, "xy", 7), 8);
	assert_string_equal(buf, "abcdef");
}

static void test_strlcat_unterminated_dst(void **state)
{
	(void)state;
	/* dst has no NUL at all inside size; strlcat must not read beyond it. */
	char raw[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(strlcat(raw, "xyz", sizeof(raw)), 7);
	assert_memory_equal(raw, "abcd", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset_sweep),
		cmocka_unit_test(test_memset_uses_low_byte),
		cmocka_unit_test(test_memset_zero_length),
		cmocka_unit_test(test_memcpy_sweep),
		cmocka_unit_test(test_memcpy_page),
		cmocka_unit_test(test_memmove_sweep),
		cmocka_unit_test(test_memmove_overlap_examples),
		cmocka_unit_test(test_memmove_long_overlap),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_memchr),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strnlen),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strncmp),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strrchr),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_strlcat),
		cmocka_unit_test(test_strlcat_unterminated_dst),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
