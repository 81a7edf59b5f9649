/*
 * Host tests for the initramfs unpacker (fs/initramfs.c): well-formed archives with
 * every entry type, hard links and overlays; and malformed ones, each of which must
 * give -EINVAL without reading past the buffer (the archive is copied into a heap
 * block of exactly its length, so AddressSanitizer catches any overread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"
#include "fs/abi.h"
#include "syscall/syscall.h"

struct archive {
	char *data;
	size_t len, cap;
};

static void append(struct archive *a, const void *bytes, size_t n)
{
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->data = realloc(a->data, a->cap);
	}
	memcpy(a->data + a->len, bytes, n);
	a->len += n;
}

static void pad4(struct archive *a)
{
	while (a->len % 4)
		append(a, "", 1);
}

struct fields {
	unsigned ino, mode, uid, gid, nlink, mtime, rmajor, rminor, check;
};

/* One newc entry (magic 070701, or 070702 when checksummed). */
static void entry(struct archive *a, const char *name, struct fields f, const void *data,
		  size_t size, bool checksummed)
{
	char header[111];

	snprintf(header, sizeof(header),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 checksummed ? "070702" : "070701", f.ino, f.mode, f.uid, f.gid,
		 f.nlink ? f.nlink : 1, f.mtime, (unsigned)size, 0, 0, f.rmajor, f.rminor,
		 (unsigned)strlen(name) + 1, f.check);
	append(a, header, 110);
	append(a, name, strlen(name) + 1);
	pad4(a);
	append(a, data, size);
	pad4(a);
}

static void trailer(struct archive *a)
{
	entry(a, "TRAILER!!!", (struct fields){ 0 }, NULL, 0, false);
}

/* Unpack a copy of exactly the archive's length. */
static int unpack(const char *bytes, size_t len)
{
	char *exact = malloc(len ? len : 1);
	int error;

	memcpy(exact, bytes, len);
	error = initramfs_unpack(exact, len);
	free(exact);
	return error;
}

static int setup(void **state)
{
	(void)state;
	fs_host_begin();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fs_host_end();
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	fs_host_boot();
	return 0;
}

/* A small tree under t/ (the test's tmpfs). */
static void build_sample(struct archive *a)
{
	entry(a, "./t/bin", (struct fields){ .ino = 2, .mode = S_IFDIR | 0755, .mtime = 1000 },
	      NULL, 0, false);
	entry(a, "t/bin/busybox", (struct fields){ .ino = 3, .mode = S_IFREG | 0755, .uid = 5,
		.gid = 6, .mtime = 123456 }, "\177ELF-and-more", 14, false);
	entry(a, "t/bin/sh", (struct fields){ .ino = 4, .mode = S_IFLNK | 0777 }, "busybox", 7,
	      false);
	entry(a, "/t/console", (struct fields){ .ino = 5, .mode = S_IFCHR | 0600, .rmajor = 5,
		.rminor = 1 }, NULL, 0, false);
	entry(a, "t/fifo", (struct fields){ .ino = 6, .mode = S_IFIFO | 0644 }, NULL, 0, false);
	/* Hard links: the data comes with the last entry, as cpio writes them. */
	entry(a, "t/link1", (struct fields){ .ino = 7, .mode = S_IFREG | 0644, .nlink = 2 },
	      NULL, 0, false);
	entry(a, "t/link2", (struct fields){ .ino = 7, .mode = S_IFREG | 0644, .nlink = 2 },
	      "shared", 6, false);
	entry(a, "t/sum", (struct fields){ .ino = 8, .mode = S_IFREG | 0600,
		.check = 'a' + 'b' + 'c' }, "abc", 3, true);
	trailer(a);
}

static void remove_sample(void)
{
	const char *files[] = { "/t/bin/busybox", "/t/bin/sh", "/t/console", "/t/fifo",
				"/t/link1", "/t/link2", "/t/sum" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_int_equal(SYS(unlink, files[i]), 0);
	assert_int_equal(SYS(rmdir, "/t/bin"), 0);
}

static void test_unpack_sample(void **state)
{
	struct archive a = { 0 };
	struct linux_stat st;
	char buf[32];
	long fd;

	(void)state;
	build_sample(&a);
	/* Padding after the trailer (as in a page-rounded initrd) is ignored. */
	append(&a, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(unpack(a.data, a.len), 0);
	assert_int_equal(SYS(stat, "/t/bin", &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	assert_int_equal(st.st_mtime_sec, 1000);
	assert_int_equal(SYS(stat, "/t/bin/sh", &st), 0);	/* through the symlink */
	assert_int_equal(st.st_mode, S_IFREG | 0755);
	assert_int_equal(st.st_uid, 5);
	assert_int_equal(st.st_gid, 6);
	assert_int_equal(st.st_size, 14);
	assert_int_equal(st.st_mtime_sec, 123456);
	assert_int_equal(SYS(readlink, "/t/bin/sh", buf, sizeof(buf)), 7);
	assert_int_equal(SYS(lstat, "/t/console", &st), 0);
	assert_int_equal(st.st_mode, S_IFCHR | 0600);
	assert_int_equal(st.st_rdev, (5 << 8) | 1);
	assert_int_equal(SYS(lstat, "/t/fifo", &st), 0);
	assert_int_equal(st.st_mode, S_IFIFO | 0644);
	assert_int_equal(SYS(stat, "/t/link1", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(st.st_size, 6);
	fd = SYS(open, "/t/link1", O_RDONLY);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "shared", 6);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(stat, "/t/sum", &st), 0);
	assert_int_equal(st.st_size, 3);
	/* Unpacking again overlays: same result, nothing leaks (teardown checks). */
	assert_int_equal(unpack(a.data, a.len), 0);
	assert_int_equal(SYS(stat, "/t/link2", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	remove_sample();
	free(a.data);
}

static void test_empty_and_trailer_only(void **state)
{
	struct archive a = { 0 };

	(void)state;
	assert_int_equal(unpack("", 0), -EINVAL);	/* no trailer */
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), 0);
	free(a.data);
}

/* Every prefix of a good archive is malformed (no trailer): -EINVAL, no overread. */
static void test_every_truncation(void **state)
{
	struct archive a = { 0 };

	(void)state;
	build_sample(&a);
	for (size_t len = 0; len < a.len - 110; len++) {
		assert_int_equal(unpack(a.data, len), -EINVAL);
	}
	remove_sample();	/* the full entries before each cut were unpacked */
	free(a.data);
}

/* Flip each header byte of a one-file archive to junk: never a crash. */
static void test_corrupt_headers(void **state)
{
	struct archive a = { 0 };

	(void)state;
	entry(&a, "t/f", (struct fields){ .ino = 1, .mode = S_IFREG | 0644 }, "data", 4, false);
	trailer(&a);
	for (size_t i = 0; i < 110; i++) {
		for (int junk = 0; junk < 3; junk++) {
			char *copy = malloc(a.len);
			memcpy(copy, a.data, a.len);
			copy[i] = "zF\xff"[junk];
			int error = initramfs_unpack(copy, a.len);
			assert_true(error == 0 || error == -EINVAL || error == -ENOENT ||
				    error == -EEXIST);
			free(copy);
			SYS(unlink, "/t/f");
		}
	}
	free(a.data);
}

static void test_malformed(void **state)
{
	struct archive a = { 0 };
	char *p;

	(void)state;
	/* Bad magic. */
	trailer(&a);
	memcpy(a.data, "070707", 6);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	/* A non-hex digit in a field. */
	a.len = 0;
	trailer(&a);
	a.data[6 + 8 * 3] = 'g';
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	/* namesize 0, and a name whose NUL is not at namesize - 1. */
	a.len = 0;
	trailer(&a);
	memcpy(a.data + 6 + 8 * 11, "00000000", 8);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	a.len = 0;
	trailer(&a);
	memcpy(a.data + 6 + 8 * 11, "00000005", 8);	/* "TRAI" + junk, no NUL */
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	/* A huge filesize or namesize. */
	a.len = 0;
	entry(&a, "t/f", (struct fields){ .mode = S_IFREG | 0644 }, "data", 4, false);
	trailer(&a);
	memcpy(a.data + 6 + 8 * 6, "FFFFFFFF", 8);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	memcpy(a.data + 6 + 8 * 6, "00000004", 8);
	memcpy(a.data + 6 + 8 * 11, "FFFFFFF0", 8);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	/* A checksum that does not match. */
	a.len = 0;
	entry(&a, "t/f", (struct fields){ .mode = S_IFREG | 0644, .check = 1 }, "data", 4, true);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	/* Unknown file type; a symlink without a target; a parent that is missing. */
	a.len = 0;
	entry(&a, "t/f", (struct fields){ .mode = 0170000 | 0644 }, NULL, 0, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	a.len = 0;
	entry(&a, "t/l", (struct fields){ .mode = S_IFLNK | 0777 }, NULL, 0, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	a.len = 0;
	entry(&a, "t/no/f", (struct fields){ .mode = S_IFREG | 0644 }, "x", 1, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -ENOENT);
	/* ".." as a name, and a file where a directory is wanted. */
	a.len = 0;
	entry(&a, "t/..", (struct fields){ .mode = S_IFDIR | 0755 }, NULL, 0, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	p = a.data;
	(void)p;
	free(a.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unpack_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_trailer_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
