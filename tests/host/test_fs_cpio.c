/*
 * Host tests for the initramfs unpacker (fs/initramfs.c): well-formed archives with
 * every entry type, hard links and overlays; archives one after the other whose
 * later entries name paths already there, of every kind (replaced as Linux's
 * initramfs replaces them); and malformed ones, each of which must give -EINVAL
 * without reading past the buffer (the archive is copied into a heap block of
 * exactly its length, so AddressSanitizer catches any overread).
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
#include "kernel/syscall.h"

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

/* The padding between two archives: NULs up to a multiple of 4 (and some more). */
static void pad_between(struct archive *a)
{
	append(a, "\0\0\0\0\0\0\0\0", 8);
	pad4(a);
}

/* The whole content of a file (at most size bytes, NUL-terminated): its length. */
static long slurp(const char *path, char *buf, size_t size)
{
	long fd = SYS(open, path, O_RDONLY);
	long n;

	assert_true(fd >= 0);
	n = SYS(read, fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = 0;
	assert_int_equal(SYS(close, fd), 0);
	return n;
}

static uint64_t inode_number(const char *path)
{
	struct linux_stat st;

	assert_int_equal(SYS(lstat, path, &st), 0);
	return st.st_ino;
}

/* The first archive of the overlay tests: what the second one lands on. */
static void build_base(struct archive *a)
{
	entry(a, "t/f", (struct fields){ .ino = 1, .mode = S_IFREG | 0644, .uid = 1 },
	      "old data", 8, false);
	entry(a, "t/bin", (struct fields){ .ino = 2, .mode = S_IFDIR | 0755 }, NULL, 0, false);
	entry(a, "t/bin/busybox", (struct fields){ .ino = 3, .mode = S_IFREG | 0755 },
	      "busybox", 7, false);
	entry(a, "t/bin/true", (struct fields){ .ino = 4, .mode = S_IFLNK | 0777 }, "busybox",
	      7, false);
	entry(a, "t/h1", (struct fields){ .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 },
	      NULL, 0, false);
	entry(a, "t/h2", (struct fields){ .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 },
	      "shared", 6, false);
	entry(a, "t/emptied", (struct fields){ .ino = 6, .mode = S_IFREG | 0644 }, "data", 4,
	      false);
	trailer(a);
}

/*
 * A second archive whose entries name files already there, of the same type: like
 * Linux, which opens them with O_TRUNC, the unpacker rewrites the file in place
 * (same inode, so a hard link to it changes too); a directory keeps its contents
 * and takes the new mode. A file over a symlink replaces the symlink and leaves
 * its target alone: the case of calf-run --add ./true:/bin/true (issue 15).
 */
static void test_overlay_same_types(void **state)
{
	struct archive a = { 0 };
	struct linux_stat st;
	uint64_t f_ino, h_ino;
	char buf[64];

	(void)state;
	build_base(&a);
	assert_int_equal(unpack(a.data, a.len), 0);
	f_ino = inode_number("/t/f");
	h_ino = inode_number("/t/h1");
	pad_between(&a);
	entry(&a, "t/f", (struct fields){ .ino = 1, .mode = S_IFREG | 0600, .uid = 2,
		.mtime = 77 }, "new", 3, false);
	entry(&a, "t/bin", (struct fields){ .ino = 2, .mode = S_IFDIR | 0700, .uid = 3 }, NULL,
	      0, false);
	entry(&a, "t/bin/true", (struct fields){ .ino = 3, .mode = S_IFREG | 0755 }, "TRUE", 4,
	      false);
	entry(&a, "t/h1", (struct fields){ .ino = 4, .mode = S_IFREG | 0644 }, "fresh", 5,
	      false);
	entry(&a, "t/emptied", (struct fields){ .ino = 5, .mode = S_IFREG | 0644 }, NULL, 0,
	      false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), 0);

	assert_int_equal(SYS(stat, "/t/f", &st), 0);
	assert_int_equal(st.st_ino, f_ino);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(st.st_uid, 2);
	assert_int_equal(st.st_mtime_sec, 77);
	assert_int_equal(slurp("/t/f", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
	assert_int_equal(SYS(stat, "/t/bin", &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0700);
	assert_int_equal(st.st_uid, 3);
	assert_int_equal(SYS(lstat, "/t/bin/true", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0755);
	assert_int_equal(slurp("/t/bin/true", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "TRUE");
	assert_int_equal(slurp("/t/bin/busybox", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "busybox");
	assert_int_equal(SYS(stat, "/t/h2", &st), 0);
	assert_int_equal(st.st_ino, h_ino);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(slurp("/t/h2", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "fresh");
	assert_int_equal(SYS(stat, "/t/emptied", &st), 0);
	assert_int_equal(st.st_size, 0);
	free(a.data);
}

/*
 * Entries over names of another type: the old entry is removed first (a directory
 * only when empty) and the new one made; a symlink always replaces. A non-empty
 * directory stays with its contents: the entry over it is skipped, as Linux skips
 * it, and reported (-ENOTEMPTY), and the entries after it are still unpacked. A
 * device node over one of its type keeps its device number (Linux's mknod fails
 * there) and takes the new mode.
 */
static void test_overlay_other_types(void **state)
{
	struct archive a = { 0 };
	struct linux_stat st;
	char buf[64];

	(void)state;
	entry(&a, "t/dir", (struct fields){ .ino = 1, .mode = S_IFDIR | 0755 }, NULL, 0, false);
	entry(&a, "t/full", (struct fields){ .ino = 2, .mode = S_IFDIR | 0755 }, NULL, 0, false);
	entry(&a, "t/full/keep", (struct fields){ .ino = 3, .mode = S_IFREG | 0644 }, "kept",
	      4, false);
	entry(&a, "t/full2", (struct fields){ .ino = 4, .mode = S_IFDIR | 0755 }, NULL, 0,
	      false);
	entry(&a, "t/full2/keep", (struct fields){ .ino = 5, .mode = S_IFREG | 0644 }, "kept",
	      4, false);
	entry(&a, "t/file", (struct fields){ .ino = 6, .mode = S_IFREG | 0644 }, "file", 4,
	      false);
	entry(&a, "t/file2", (struct fields){ .ino = 7, .mode = S_IFREG | 0644 }, "file", 4,
	      false);
	entry(&a, "t/link", (struct fields){ .ino = 8, .mode = S_IFLNK | 0777 }, "a", 1, false);
	entry(&a, "t/null", (struct fields){ .ino = 9, .mode = S_IFCHR | 0666, .rmajor = 1,
		.rminor = 3 }, NULL, 0, false);
	entry(&a, "t/node", (struct fields){ .ino = 10, .mode = S_IFCHR | 0666, .rmajor = 1,
		.rminor = 3 }, NULL, 0, false);
	trailer(&a);
	pad_between(&a);
	entry(&a, "t/dir", (struct fields){ .ino = 1, .mode = S_IFREG | 0644 }, "was a dir", 9,
	      false);
	entry(&a, "t/full", (struct fields){ .ino = 2, .mode = S_IFREG | 0644 }, "x", 1, false);
	entry(&a, "t/full2", (struct fields){ .ino = 3, .mode = S_IFLNK | 0777 }, "x", 1, false);
	entry(&a, "t/file", (struct fields){ .ino = 4, .mode = S_IFLNK | 0777 }, "target", 6,
	      false);
	entry(&a, "t/file2", (struct fields){ .ino = 5, .mode = S_IFDIR | 0750 }, NULL, 0,
	      false);
	entry(&a, "t/link", (struct fields){ .ino = 6, .mode = S_IFLNK | 0777 }, "b", 1, false);
	entry(&a, "t/null", (struct fields){ .ino = 7, .mode = S_IFCHR | 0600, .rmajor = 1,
		.rminor = 5 }, NULL, 0, false);
	entry(&a, "t/node", (struct fields){ .ino = 8, .mode = S_IFIFO | 0644 }, NULL, 0, false);
	entry(&a, "t/after", (struct fields){ .ino = 9, .mode = S_IFREG | 0644 }, "after", 5,
	      false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -ENOTEMPTY);

	assert_int_equal(SYS(lstat, "/t/dir", &st), 0);	/* file over an empty directory */
	assert_int_equal(st.st_mode, S_IFREG | 0644);
	assert_int_equal(slurp("/t/dir", buf, sizeof(buf)), 9);
	assert_int_equal(SYS(lstat, "/t/full", &st), 0);	/* non-empty: skipped */
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	assert_int_equal(slurp("/t/full/keep", buf, sizeof(buf)), 4);
	assert_int_equal(SYS(lstat, "/t/full2", &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	assert_int_equal(slurp("/t/full2/keep", buf, sizeof(buf)), 4);
	assert_int_equal(SYS(readlink, "/t/file", buf, sizeof(buf)), 6);	/* over a file */
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(SYS(lstat, "/t/file2", &st), 0);	/* directory over a file */
	assert_int_equal(st.st_mode, S_IFDIR | 0750);
	assert_int_equal(SYS(readlink, "/t/link", buf, sizeof(buf)), 1);	/* over a link */
	assert_memory_equal(buf, "b", 1);
	assert_int_equal(SYS(lstat, "/t/null", &st), 0);	/* same type: number kept */
	assert_int_equal(st.st_mode, S_IFCHR | 0600);
	assert_int_equal(st.st_rdev, (1 << 8) | 3);
	assert_int_equal(SYS(lstat, "/t/node", &st), 0);	/* FIFO over a device node */
	assert_int_equal(st.st_mode, S_IFIFO | 0644);
	assert_int_equal(slurp("/t/after", buf, sizeof(buf)), 5);
	free(a.data);
}

/*
 * Hard links in a later archive: a further link replaces what its name held (here
 * a file) with a link; inode numbers start again in each archive, as cpio writes
 * them, so a number seen in the first archive does not link into the second.
 */
static void test_overlay_hard_links(void **state)
{
	struct archive a = { 0 };
	struct linux_stat st;
	char buf[64];

	(void)state;
	entry(&a, "t/x", (struct fields){ .ino = 1, .mode = S_IFREG | 0644 }, "x", 1, false);
	entry(&a, "t/k", (struct fields){ .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 }, NULL,
	      0, false);
	entry(&a, "t/k2", (struct fields){ .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 },
	      "five", 4, false);
	trailer(&a);
	pad_between(&a);
	entry(&a, "t/l1", (struct fields){ .ino = 9, .mode = S_IFREG | 0644, .nlink = 2 }, NULL,
	      0, false);
	entry(&a, "t/x", (struct fields){ .ino = 9, .mode = S_IFREG | 0644, .nlink = 2 },
	      "linked", 6, false);
	entry(&a, "t/k3", (struct fields){ .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 },
	      "other", 5, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), 0);

	assert_int_equal(inode_number("/t/x"), inode_number("/t/l1"));
	assert_int_equal(SYS(stat, "/t/x", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(slurp("/t/l1", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "linked");
	assert_int_equal(SYS(stat, "/t/k3", &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(slurp("/t/k", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "five");
	assert_int_equal(slurp("/t/k3", buf, sizeof(buf)), 5);
	free(a.data);
}

/* After a trailer come NULs, then another archive on a 4-byte boundary, or nothing:
 * anything else is malformed, and what came before stays. */
static void test_junk_after_trailer(void **state)
{
	struct archive a = { 0 };

	(void)state;
	entry(&a, "t/f", (struct fields){ .ino = 1, .mode = S_IFREG | 0644 }, "f", 1, false);
	trailer(&a);
	append(&a, "junk", 4);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	assert_int_equal(SYS(unlink, "/t/f"), 0);
	a.len -= 4;
	append(&a, "\0", 1);	/* a second archive one byte off its boundary */
	entry(&a, "t/g", (struct fields){ .ino = 1, .mode = S_IFREG | 0644 }, "g", 1, false);
	trailer(&a);
	assert_int_equal(unpack(a.data, a.len), -EINVAL);
	assert_int_equal(SYS(unlink, "/t/f"), 0);
	assert_int_equal(SYS(unlink, "/t/g"), -ENOENT);
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
		cmocka_unit_test_setup_teardown(test_overlay_same_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay_other_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk_after_trailer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
