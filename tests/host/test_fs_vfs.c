/*
 * Host tests for the VFS core and ramfs (fs/namei.c, fs/ramfs.c, fs/pagecache.c,
 * fs/mount.c, fs/file.c), driven mostly through the system calls of fs/sys_*.c with
 * host pointers standing in for user memory. Every test runs in a fresh tmpfs on
 * /t and ends by checking that all frames came back.
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

/* Create path with contents; returns 0. */
static void put_file(const char *path, const char *text)
{
	long fd = SYS(open, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(SYS(write, fd, text, strlen(text)), (long)strlen(text));
	assert_int_equal(SYS(close, fd), 0);
}

static long file_size(const char *path)
{
	struct linux_stat st;
	long error = SYS(stat, path, &st);

	return error ? error : st.st_size;
}

static void test_create_write_read(void **state)
{
	char buf[64];
	struct linux_stat st;
	long fd;

	(void)state;
	fd = SYS(open, "/t/a", O_CREAT | O_RDWR, 0666);
	assert_true(fd >= 0);
	assert_int_equal(SYS(write, fd, "hello, world\n", 13), 13);
	assert_int_equal(SYS(lseek, fd, 0, SEEK_CUR), 13);
	assert_int_equal(SYS(lseek, fd, 0, SEEK_SET), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 13);
	assert_memory_equal(buf, "hello, world\n", 13);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	assert_int_equal(SYS(lseek, fd, -5, SEEK_END), 8);
	assert_int_equal(SYS(lseek, fd, -100, SEEK_CUR), -EINVAL);
	assert_int_equal(SYS(lseek, fd, 0, 99), -EINVAL);
	/* A hole reads as zeros. */
	assert_int_equal(SYS(pwrite64, fd, "x", 1, 10000), 1);
	memset(buf, 'q', sizeof(buf));
	assert_int_equal(SYS(pread64, fd, buf, 10, 5000), 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(SYS(fstat, fd, &st), 0);
	assert_int_equal(st.st_size, 10001);
	assert_int_equal(st.st_mode, S_IFREG | 0644);	/* umask 022 */
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_blksize, 4096);
	assert_int_equal(SYS(pread64, fd, buf, 1, -1), -EINVAL);
	assert_int_equal(SYS(read, fd, (void *)16, 4), -EFAULT);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(close, fd), -EBADF);
	/* Access modes. */
	fd = SYS(open, "/t/a", O_RDONLY);
	assert_int_equal(SYS(write, fd, "x", 1), -EBADF);
	assert_int_equal(SYS(close, fd), 0);
	fd = SYS(open, "/t/a", O_WRONLY | O_APPEND);
	assert_int_equal(SYS(read, fd, buf, 1), -EBADF);
	assert_int_equal(SYS(write, fd, "yz", 2), 2);
	assert_int_equal(file_size("/t/a"), 10003);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(open, "/t/a", O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST);
	assert_int_equal(SYS(unlink, "/t/a"), 0);
}

static void test_path_walk(void **state)
{
	char name[300], *longpath;
	long fd;

	(void)state;
	assert_int_equal(SYS(mkdir, "/t/a", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/a/b", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/a/b/c/", 0755), 0);	/* trailing slash is fine */
	put_file("/t/a/b/c/f", "data");
	assert_int_equal(file_size("/t/a/b/../b/./c/f"), 4);
	assert_int_equal(file_size("//t///a/b/c//f"), 4);
	assert_int_equal(file_size("/t/a/x/f"), -ENOENT);
	assert_int_equal(file_size("/t/a/b/c/f/x"), -ENOTDIR);
	assert_int_equal(file_size("/t/a/b/c/f/"), -ENOTDIR);
	assert_int_equal(file_size("/t/a/b/c/f/."), -ENOTDIR);
	assert_int_equal(file_size(""), -ENOENT);
	assert_int_equal(file_size("/.."), 0);		/* ".." of the root is the root */
	assert_int_equal(file_size("/t/.."), 0);	/* across the mount, back up */
	/* Relative to the cwd and to a directory fd. */
	assert_int_equal(SYS(chdir, "/t/a/b"), 0);
	assert_int_equal(file_size("c/f"), 4);
	assert_int_equal(file_size("../b/c/f"), 4);
	fd = SYS(open, "/t/a/b/c", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(SYS(openat, fd, "f", O_RDONLY), fd + 1);
	assert_int_equal(SYS(close, fd + 1), 0);
	assert_int_equal(SYS(openat, 99, "f", O_RDONLY), -EBADF);
	assert_int_equal(SYS(openat, 99, "/t/a/b/c/f", O_RDONLY), fd + 1);	/* absolute */
	assert_int_equal(SYS(close, fd + 1), 0);
	assert_int_equal(SYS(open, "/t/a/b/c/f", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	long ffd = SYS(open, "/t/a/b/c/f", O_RDONLY);
	assert_int_equal(SYS(openat, ffd, "x", O_RDONLY), -ENOTDIR);
	assert_int_equal(SYS(close, ffd), 0);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(chdir, "/"), 0);
	/* Name and path lengths. */
	memset(name, 'n', sizeof(name));
	memcpy(name, "/t/", 3);
	name[3 + 255] = 0;
	assert_int_equal(file_size(name), -ENOENT);
	name[3 + 255] = 'n';
	name[3 + 256] = 0;
	assert_int_equal(file_size(name), -ENAMETOOLONG);
	longpath = malloc(PATH_MAX + 1);
	memset(longpath, '/', PATH_MAX);
	longpath[PATH_MAX] = 0;
	assert_int_equal(file_size(longpath), -ENAMETOOLONG);
	longpath[PATH_MAX - 1] = 0;
	assert_int_equal(file_size(longpath), 0);	/* 4095 slashes: the root */
	free(longpath);
	/* Directories cannot be opened for writing. */
	assert_int_equal(SYS(open, "/t/a", O_RDWR), -EISDIR);
	assert_int_equal(SYS(open, "/t/a", O_CREAT | O_RDONLY, 0644), -EISDIR);
	assert_int_equal(SYS(open, "/t/new/", O_CREAT | O_RDWR, 0644), -EISDIR);
	assert_int_equal(SYS(unlink, "/t/a/b/c/f"), 0);
	assert_int_equal(SYS(rmdir, "/t/a/b/c"), 0);
	assert_int_equal(SYS(rmdir, "/t/a/b"), 0);
	assert_int_equal(SYS(rmdir, "/t/a"), 0);
}


static void test_symlinks(void **state)
{
	struct linux_stat st, lst;
	char buf[64], path[16];
	long fd;

	(void)state;
	assert_int_equal(SYS(mkdir, "/t/d", 0755), 0);
	put_file("/t/d/f", "12345");
	assert_int_equal(SYS(symlink, "d/f", "/t/rel"), 0);
	assert_int_equal(SYS(symlink, "/t/d", "/t/abs"), 0);
	assert_int_equal(SYS(symlink, "", "/t/empty"), -ENOENT);
	assert_int_equal(SYS(symlink, "x", "/t/rel"), -EEXIST);
	assert_int_equal(SYS(stat, "/t/rel", &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(SYS(lstat, "/t/rel", &lst), 0);
	assert_int_equal(lst.st_mode, S_IFLNK | 0777);
	assert_int_equal(lst.st_size, 3);
	assert_int_not_equal(lst.st_ino, st.st_ino);
	assert_int_equal(SYS(readlink, "/t/rel", buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "d/f", 3);
	assert_int_equal(SYS(readlink, "/t/rel", buf, 2), 2);	/* truncated, no NUL */
	assert_int_equal(SYS(readlink, "/t/rel", buf, 0), -EINVAL);
	assert_int_equal(SYS(readlink, "/t/d/f", buf, sizeof(buf)), -EINVAL);
	/* Through a link to a directory, absolute and with a trailing slash. */
	assert_int_equal(file_size("/t/abs/f"), 5);
	assert_int_equal(SYS(lstat, "/t/abs/", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Dangling: open fails, O_CREAT creates the target in the link's directory. */
	assert_int_equal(SYS(symlink, "made", "/t/d/dangling"), 0);
	assert_int_equal(SYS(open, "/t/d/dangling", O_RDONLY), -ENOENT);
	fd = SYS(open, "/t/d/dangling", O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(file_size("/t/d/made"), 0);
	assert_int_equal(SYS(open, "/t/d/dangling", O_CREAT | O_EXCL | O_WRONLY, 0600), -EEXIST);
	assert_int_equal(SYS(open, "/t/rel", O_RDONLY | O_NOFOLLOW), -ELOOP);
	/* Loops and the limit of 40 links. */
	assert_int_equal(SYS(symlink, "loop2", "/t/loop1"), 0);
	assert_int_equal(SYS(symlink, "loop1", "/t/loop2"), 0);
	assert_int_equal(file_size("/t/loop1"), -ELOOP);
	assert_int_equal(SYS(open, "/t/loop1", O_CREAT | O_WRONLY, 0600), -ELOOP);
	assert_int_equal(SYS(lstat, "/t/loop1", &st), 0);
	for (int i = 1; i <= 41; i++) {
		char target[16];
		snprintf(target, sizeof(target), i == 1 ? "d/f" : "c%d", i - 1);
		snprintf(path, sizeof(path), "/t/c%d", i);
		assert_int_equal(SYS(symlink, target, path), 0);
	}
	assert_int_equal(file_size("/t/c40"), 5);
	assert_int_equal(file_size("/t/c41"), -ELOOP);
	/* unlink removes the link, not the target. */
	assert_int_equal(SYS(unlink, "/t/rel"), 0);
	assert_int_equal(file_size("/t/d/f"), 5);
	for (int i = 1; i <= 41; i++) {
		snprintf(path, sizeof(path), "/t/c%d", i);
		assert_int_equal(SYS(unlink, path), 0);
	}
	assert_int_equal(SYS(unlink, "/t/loop1"), 0);
	assert_int_equal(SYS(unlink, "/t/loop2"), 0);
	assert_int_equal(SYS(unlink, "/t/abs"), 0);
	assert_int_equal(SYS(unlink, "/t/d/dangling"), 0);
	assert_int_equal(SYS(unlink, "/t/d/made"), 0);
	assert_int_equal(SYS(unlink, "/t/d/f"), 0);
	assert_int_equal(SYS(rmdir, "/t/d"), 0);
}

static void test_directories(void **state)
{
	struct linux_stat st;

	(void)state;
	assert_int_equal(SYS(mkdir, "/t/d", 0700), 0);
	assert_int_equal(SYS(mkdir, "/t/d", 0700), -EEXIST);
	assert_int_equal(SYS(mkdir, "/t/x/y", 0700), -ENOENT);
	assert_int_equal(SYS(mkdir, "/", 0700), -EEXIST);
	assert_int_equal(SYS(stat, "/t/d", &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0700);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(SYS(mkdir, "/t/d/s1", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/d/s2", 0755), 0);
	assert_int_equal(SYS(stat, "/t/d", &st), 0);
	assert_int_equal(st.st_nlink, 4);
	put_file("/t/d/f", "");
	assert_int_equal(SYS(rmdir, "/t/d"), -ENOTEMPTY);
	assert_int_equal(SYS(rmdir, "/t/d/f"), -ENOTDIR);
	assert_int_equal(SYS(unlink, "/t/d/s1"), -EISDIR);
	assert_int_equal(SYS(unlink, "/t/d/f/"), -ENOTDIR);
	assert_int_equal(SYS(rmdir, "/t/d/s1/."), -EINVAL);
	assert_int_equal(SYS(rmdir, "/t/d/s1/.."), -ENOTEMPTY);
	assert_int_equal(SYS(rmdir, "/"), -EBUSY);
	assert_int_equal(SYS(rmdir, "/t"), -EBUSY);	/* a mount point */
	assert_int_equal(SYS(unlink, "/t/d/."), -EISDIR);
	assert_int_equal(SYS(rmdir, "/t/d/s1/"), 0);
	assert_int_equal(SYS(unlinkat, AT_FDCWD, "/t/d/s2", AT_REMOVEDIR), 0);
	assert_int_equal(SYS(unlinkat, AT_FDCWD, "/t/d/f", 0x1), -EINVAL);
	assert_int_equal(SYS(unlinkat, AT_FDCWD, "/t/d/f", 0), 0);
	assert_int_equal(SYS(stat, "/t/d", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(SYS(rmdir, "/t/d"), 0);
	assert_int_equal(SYS(rmdir, "/t/d"), -ENOENT);
	/* mknod: a fifo and (root) a device; directories are not made this way. */
	assert_int_equal(SYS(mknod, "/t/fifo", S_IFIFO | 0644, 0), 0);
	assert_int_equal(SYS(mknod, "/t/null", S_IFCHR | 0666, (1 << 8) | 3), 0);
	assert_int_equal(SYS(mknod, "/t/dir", S_IFDIR | 0755, 0), -EPERM);
	assert_int_equal(SYS(stat, "/t/null", &st), 0);
	assert_int_equal(st.st_rdev, 0x103);
	long fd = SYS(open, "/t/null", O_RDWR);
	assert_int_equal(SYS(write, fd, "abc", 3), 3);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(unlink, "/t/fifo"), 0);
	assert_int_equal(SYS(unlink, "/t/null"), 0);
}

static void test_rename(void **state)
{
	char buf[16];
	long fd;

	(void)state;
	put_file("/t/a", "aaa");
	put_file("/t/b", "bb");
	assert_int_equal(SYS(mkdir, "/t/d", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/d/sub", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/e", 0755), 0);
	put_file("/t/e/x", "");
	fd = SYS(open, "/t/a", O_RDONLY);
	assert_int_equal(SYS(rename, "/t/a", "/t/b"), 0);	/* replaces b */
	assert_int_equal(file_size("/t/a"), -ENOENT);
	assert_int_equal(file_size("/t/b"), 3);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 3);	/* the open file moved too */
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(rename, "/t/b", "/t/b"), 0);
	assert_int_equal(SYS(rename, "/t/nothing", "/t/c"), -ENOENT);
	assert_int_equal(SYS(rename, "/t/d", "/t/d/sub/in"), -EINVAL);
	assert_int_equal(SYS(rename, "/t/d", "/t/e"), -ENOTEMPTY);
	assert_int_equal(SYS(rename, "/t/b", "/t/d"), -EISDIR);
	assert_int_equal(SYS(rename, "/t/d", "/t/b"), -ENOTDIR);
	assert_int_equal(SYS(rename, "/t/b/", "/t/c"), -ENOTDIR);
	assert_int_equal(SYS(rename, "/t/d/.", "/t/c"), -EBUSY);
	assert_int_equal(SYS(rename, "/t/b", "/etc-across"), -EXDEV);
	assert_int_equal(SYS(renameat2, AT_FDCWD, "/t/b", AT_FDCWD, "/t/e/x", RENAME_NOREPLACE),
			 -EEXIST);
	assert_int_equal(SYS(renameat2, AT_FDCWD, "/t/b", AT_FDCWD, "/t/e/x", RENAME_EXCHANGE),
			 -EINVAL);
	/* A directory moves, its ".." follows, and an empty target directory goes. */
	assert_int_equal(SYS(unlink, "/t/e/x"), 0);
	assert_int_equal(SYS(rename, "/t/d/sub", "/t/e"), 0);
	assert_int_equal(SYS(chdir, "/t/e"), 0);
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/t/e");
	assert_int_equal(SYS(rename, "/t/e", "/t/d/moved"), 0);
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/t/d/moved");
	assert_int_equal(file_size("../../b"), 3);
	assert_int_equal(SYS(chdir, "/"), 0);
	assert_int_equal(SYS(rmdir, "/t/d/moved"), 0);
	assert_int_equal(SYS(rmdir, "/t/d"), 0);
	assert_int_equal(SYS(unlink, "/t/b"), 0);
}

static void test_links_and_lifetime(void **state)
{
	struct linux_stat st;
	size_t cache = frames_of_kind(PAGE_CACHE);
	char buf[8];
	long fd;

	(void)state;
	put_file("/t/a", "linked");
	assert_int_equal(SYS(link, "/t/a", "/t/b"), 0);
	assert_int_equal(SYS(link, "/t/a", "/t/b"), -EEXIST);
	assert_int_equal(SYS(link, "/t", "/t/dirlink"), -EPERM);
	assert_int_equal(SYS(link, "/t/a", "/tmp-other-fs"), -EXDEV);
	assert_int_equal(SYS(stat, "/t/b", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 1);
	fd = SYS(open, "/t/b", O_RDONLY);
	assert_int_equal(SYS(unlink, "/t/a"), 0);
	assert_int_equal(SYS(unlink, "/t/b"), 0);
	assert_int_equal(SYS(fstat, fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	/* Nameless but open: the data stays until the last close. */
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 1);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 6);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache);
}

/* getdents64 records, parsed. */
static int list_dir(long fd, char names[][16], int max)
{
	char buf[256];
	int n = 0;
	long got;

	while ((got = SYS(getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			assert_true(n < max);
			assert_int_equal(d->d_reclen % 8, 0);
			snprintf(names[n++], 16, "%s", d->d_name);
			at += d->d_reclen;
		}
	}
	assert_int_equal(got, 0);
	return n;
}

static void test_getdents(void **state)
{
	char names[64][16], buf[64], path[32];
	long fd;
	int n, seen = 0;

	(void)state;
	assert_int_equal(SYS(mkdir, "/t/d", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/d/sub", 0755), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/t/d/file%02d", i);
		put_file(path, "");
	}
	fd = SYS(open, "/t/d", O_RDONLY | O_DIRECTORY);
	n = list_dir(fd, names, 64);
	assert_int_equal(n, 43);
	assert_string_equal(names[0], ".");
	assert_string_equal(names[1], "..");
	assert_string_equal(names[2], "sub");
	/* d_type, and a buffer too small for one record. */
	assert_int_equal(SYS(lseek, fd, 0, SEEK_SET), 0);
	assert_int_equal(SYS(getdents64, fd, buf, 10), -EINVAL);
	assert_true(SYS(getdents64, fd, buf, sizeof(buf)) > 0);
	assert_int_equal(((struct linux_dirent64 *)buf)->d_type, DT_DIR);
	/* rm -r: unlink what was listed between two getdents calls; nothing is skipped. */
	assert_int_equal(SYS(lseek, fd, 0, SEEK_SET), 0);
	long got;
	while ((got = SYS(getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "/t/d/%s", d->d_name);
			if (d->d_type == DT_DIR)
				assert_int_equal(SYS(rmdir, path), 0);
			else
				assert_int_equal(SYS(unlink, path), 0);
			seen++;
		}
	}
	assert_int_equal(seen, 41);
	assert_int_equal(SYS(getdents64, 99, buf, sizeof(buf)), -EBADF);
	assert_int_equal(SYS(close, fd), 0);
	fd = SYS(open, "/dev/null", O_RDONLY);
	assert_int_equal(SYS(getdents64, fd, buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(rmdir, "/t/d"), 0);
}

static void test_getcwd_and_mounts(void **state)
{
	char buf[64];
	long fd;

	(void)state;
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(SYS(mkdir, "/t/a", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/a/m", 0755), 0);
	put_file("/t/a/m/under", "hidden");
	assert_int_equal(SYS(mount, "x", "/t/a/m", "tmpfs", 0, 0), 0);
	assert_int_equal(file_size("/t/a/m/under"), -ENOENT);
	assert_int_equal(SYS(mount, "x", "/t/a/m/nothing", "tmpfs", 0, 0), -ENOENT);
	assert_int_equal(SYS(mount, "x", "/t/a", "ext4", 0, 0), -ENODEV);
	assert_int_equal(SYS(mkdir, "/t/a/m/in", 0755), 0);
	assert_int_equal(SYS(chdir, "/t/a/m/in"), 0);
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "/t/a/m/in");
	assert_int_equal(SYS(getcwd, buf, 5), -ERANGE);
	assert_int_equal(SYS(chdir, "../.."), 0);	/* ".." out of the mounted root */
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/t/a");
	/* Busy while a file in it is open or a cwd is inside. */
	fd = SYS(open, "m/in", O_RDONLY);
	assert_int_equal(SYS(umount2, "/t/a/m", 0), -EBUSY);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(umount2, "/t/a/m", 0), 0);
	assert_int_equal(SYS(umount2, "/t/a/m", 0), -EINVAL);	/* no longer a mount */
	assert_int_equal(file_size("/t/a/m/under"), 6);
	/* A removed cwd has no path. */
	assert_int_equal(SYS(mkdir, "/t/a/gone", 0755), 0);
	assert_int_equal(SYS(chdir, "/t/a/gone"), 0);
	assert_int_equal(SYS(rmdir, "/t/a/gone"), 0);
	assert_int_equal(SYS(getcwd, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(SYS(open, "new", O_CREAT | O_RDWR, 0644), -ENOENT);
	assert_int_equal(SYS(chdir, "/t/a/m/under"), -ENOTDIR);
	assert_int_equal(SYS(chdir, "/"), 0);
	/* proc mounts (an empty directory until procfs is filled in). */
	assert_int_equal(SYS(mount, "proc", "/t/a/m/under", "proc", 0, 0), -ENOTDIR);
	assert_int_equal(SYS(mount, "proc", "/t/a", "proc", 0, 0), 0);
	fd = SYS(open, "/t/a", O_RDONLY | O_DIRECTORY);
	char names[8][16];
	assert_int_equal(list_dir(fd, names, 8), 2);
	struct linux_statfs sfs;
	assert_int_equal(SYS(fstatfs, fd, &sfs), 0);
	assert_int_equal(sfs.f_type, PROC_SUPER_MAGIC);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(umount2, "/t/a", 0), 0);
	assert_int_equal(SYS(statfs, "/t/a", &sfs), 0);
	assert_int_equal(sfs.f_type, TMPFS_MAGIC);
	assert_int_equal(SYS(unlink, "/t/a/m/under"), 0);
	assert_int_equal(SYS(rmdir, "/t/a/m"), 0);
	assert_int_equal(SYS(rmdir, "/t/a"), 0);
	/* Unmounting a non-empty tmpfs frees everything in it (checked by teardown). */
	assert_int_equal(SYS(mkdir, "/t/full", 0755), 0);
	assert_int_equal(SYS(mount, "x", "/t/full", "tmpfs", 0, 0), 0);
	assert_int_equal(SYS(mkdir, "/t/full/a", 0755), 0);
	assert_int_equal(SYS(mkdir, "/t/full/a/b", 0755), 0);
	put_file("/t/full/a/b/f", "data");
	put_file("/t/full/g", "more");
	assert_int_equal(SYS(symlink, "g", "/t/full/a/l"), 0);
	assert_int_equal(SYS(umount2, "/t/full", 0), 0);
	assert_int_equal(SYS(rmdir, "/t/full"), 0);
}

static void test_truncate_and_frames(void **state)
{
	size_t cache = frames_of_kind(PAGE_CACHE);
	char *big = malloc(1 << 20), buf[16];
	long fd;

	(void)state;
	memset(big, 'b', 1 << 20);
	fd = SYS(open, "/t/big", O_CREAT | O_RDWR, 0644);
	assert_int_equal(SYS(write, fd, big, 1 << 20), 1 << 20);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 256);
	assert_int_equal(SYS(ftruncate, fd, 5000), 0);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 2);
	assert_int_equal(SYS(ftruncate, fd, 9000), 0);	/* grows with zeros */
	assert_int_equal(SYS(pread64, fd, buf, 8, 4996), 8);
	assert_memory_equal(buf, "bbbb\0\0\0\0", 8);
	assert_int_equal(SYS(ftruncate, fd, -1), -EINVAL);
	assert_int_equal(SYS(truncate, "/t/big", 0), 0);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache);
	assert_int_equal(SYS(truncate, "/t", 0), -EISDIR);
	/* A sparse write far away costs one page (and radix nodes from the heap). */
	assert_int_equal(SYS(pwrite64, fd, "z", 1, 1ll << 36), 1);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 1);
	assert_int_equal(file_size("/t/big"), (1ll << 36) + 1);
	assert_int_equal(SYS(pwrite64, fd, "z", 1, 1ll << 41), -EFBIG);
	assert_int_equal(SYS(close, fd), 0);
	/* O_TRUNC frees the pages; a read-only O_TRUNC does nothing. */
	fd = SYS(open, "/t/big", O_RDONLY | O_TRUNC);
	assert_int_equal(SYS(ftruncate, fd, 0), -EINVAL);	/* not open for writing */
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache + 1);
	fd = SYS(open, "/t/big", O_WRONLY | O_TRUNC);
	assert_int_equal(frames_of_kind(PAGE_CACHE), cache);
	assert_int_equal(file_size("/t/big"), 0);
	assert_int_equal(SYS(close, fd), 0);
	assert_int_equal(SYS(unlink, "/t/big"), 0);
	free(big);
}

static void test_exec_interface(void **state)
{
	struct inode *inode;
	struct file *file;
	struct page *page;
	char buf[8];

	(void)state;
	put_file("/t/prog", "#!/bin/sh\n");
	assert_int_equal(vfs_open_exec("/t/prog", &file), -EACCES);	/* 0644: no x */
	assert_int_equal(SYS(chmod, "/t/prog", 0100), 0);
	assert_int_equal(vfs_open_exec("/t/prog", &file), 0);
	inode = file_inode(file);
	assert_non_null(file_backing(file));
	assert_int_equal(inode_read(inode, buf, sizeof(buf), 2), 8);
	assert_memory_equal(buf, "/bin/sh\n", 8);
	assert_int_equal(inode_read(inode, buf, sizeof(buf), 100), 0);
	page = inode_get_page(inode, 0, false);
	assert_non_null(page);
	assert_memory_equal(page_address(page), "#!/bin/sh", 9);
	frame_put(page);
	assert_null(inode_get_page(inode, 5, false));	/* a hole */
	assert_int_equal(inode_size(inode), 10);
	char path[64];
	assert_int_equal(file_path(file, path, sizeof(path)), 7);
	assert_string_equal(path, "/t/prog");
	file_put(file);
	assert_int_equal(vfs_open_exec("/t", &file), -EACCES);
	assert_int_equal(vfs_open_exec("/t/none", &file), -ENOENT);
	assert_int_equal(vfs_open_exec("/t/prog/x", &file), -ENOTDIR);
	assert_int_equal(inode_read(fs_root(), buf, 1, 0), -EISDIR);
	assert_int_equal(SYS(unlink, "/t/prog"), 0);
}

static void test_attributes(void **state)
{
	struct linux_stat st;
	struct linux_statx stx;
	struct linux_timespec times[2] = { { 100, 5 }, { 200, UTIME_OMIT } };

	(void)state;
	put_file("/t/f", "abc");
	assert_int_equal(SYS(access, "/t/f", R_OK | W_OK), 0);
	assert_int_equal(SYS(access, "/t/f", X_OK), -EACCES);
	assert_int_equal(SYS(access, "/t/f", 8), -EINVAL);
	assert_int_equal(SYS(access, "/t/none", F_OK), -ENOENT);
	assert_int_equal(SYS(chmod, "/t/f", 04751), 0);
	assert_int_equal(SYS(stat, "/t/f", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 04751);
	assert_int_equal(SYS(access, "/t/f", X_OK), 0);
	assert_int_equal(SYS(chown, "/t/f", 1000, 100), 0);
	assert_int_equal(SYS(stat, "/t/f", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 100);
	assert_int_equal(st.st_mode, S_IFREG | 0751);	/* chown clears set-user-ID */
	assert_int_equal(SYS(utimensat, AT_FDCWD, "/t/f", times, 0), 0);
	assert_int_equal(SYS(stat, "/t/f", &st), 0);
	assert_int_equal(st.st_atime_sec, 100);
	assert_int_equal(st.st_atime_nsec, 5);
	times[0].tv_nsec = 1000000000;
	assert_int_equal(SYS(utimensat, AT_FDCWD, "/t/f", times, 0), -EINVAL);
	assert_int_equal(SYS(statx, AT_FDCWD, "/t/f", 0, STATX_BASIC_STATS, &stx), 0);
	assert_int_equal(stx.stx_size, 3);
	assert_int_equal(stx.stx_mode, S_IFREG | 0751);
	assert_int_equal(stx.stx_ino, st.st_ino);
	assert_int_equal(stx.stx_mask, STATX_BASIC_STATS);
	assert_int_equal(SYS(newfstatat, AT_FDCWD, "", &st, 0), -ENOENT);
	assert_int_equal(SYS(newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Linux's newfstatat takes the statx sync flags (AT_STATX_DONT_SYNC here);
	 * an unknown flag is EINVAL. */
	assert_int_equal(SYS(newfstatat, AT_FDCWD, "/t/f", &st, 0x4000), 0);
	assert_int_equal(SYS(newfstatat, AT_FDCWD, "/t/f", &st, 0x1), -EINVAL);
	/* Not root: permission bits count. */
	fs_host_task.cred.euid = fs_host_task.cred.uid = 2000;
	assert_int_equal(SYS(open, "/t/f", O_RDONLY), -EACCES);	/* other: --x */
	assert_int_equal(SYS(chmod, "/t/f", 0777), -EPERM);
	assert_int_equal(SYS(mkdir, "/t/sub", 0755), 0);	/* /t is 1777 */
	assert_int_equal(SYS(chmod, "/t/sub", 0600), 0);
	assert_int_equal(file_size("/t/sub/x"), -EACCES);	/* no search permission */
	assert_int_equal(SYS(unlink, "/t/f"), -EPERM);		/* sticky /t, not ours */
	fs_host_task.cred.euid = fs_host_task.cred.uid = 0;
	assert_int_equal(SYS(rmdir, "/t/sub"), 0);
	assert_int_equal(SYS(umask, 077), 022);
	put_file("/t/g", "");
	assert_int_equal(SYS(stat, "/t/g", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(SYS(umask, 022), 077);
	assert_int_equal(SYS(unlink, "/t/g"), 0);
	assert_int_equal(SYS(unlink, "/t/f"), 0);
}

static void test_devices(void **state)
{
	unsigned char buf[64], other[64];
	long fd;

	(void)state;
	fd = SYS(open, "/dev/null", O_RDWR);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	assert_int_equal(SYS(write, fd, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(SYS(lseek, fd, 100, SEEK_SET), 0);
	assert_int_equal(SYS(ioctl, fd, 0x5401, buf), -ENOTTY);	/* TCGETS */
	assert_int_equal(SYS(close, fd), 0);
	fd = SYS(open, "/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(SYS(close, fd), 0);
	fd = SYS(open, "/dev/urandom", O_RDONLY);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(SYS(read, fd, other, sizeof(other)), sizeof(other));
	assert_memory_not_equal(buf, other, sizeof(buf));
	assert_int_equal(SYS(close, fd), 0);
	struct linux_stat st;
	assert_int_equal(SYS(stat, "/dev/console", &st), 0);
	assert_int_equal(st.st_mode, S_IFCHR | 0600);
	assert_int_equal(st.st_rdev, (5 << 8) | 1);
	assert_int_equal(SYS(stat, "/dev/random", &st), 0);
	assert_int_equal(st.st_rdev, (1 << 8) | 8);
	assert_int_equal(fs_populate_dev(), 0);	/* idempotent */
	/* A node without a driver. */
	assert_int_equal(SYS(mknod, "/t/nodev", S_IFCHR | 0600, (42 << 8) | 1), 0);
	assert_int_equal(SYS(open, "/t/nodev", O_RDONLY), -ENXIO);
	assert_int_equal(SYS(unlink, "/t/nodev"), 0);
}

/* RFC 7539 section 2.3.2's block, through the 64-bit counter/nonce layout: key
 * 00..1f, block count 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00. */
void chacha20_block_for_test(const uint32_t k[8], uint64_t count, uint64_t nonce,
			     uint32_t out[16]);

static void test_chacha20(void **state)
{
	uint32_t key[8], out[16];
	uint8_t bytes[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	/* counter word 12 = 1, word 13 = 0x09000000, words 14-15 = 0x4a000000, 0 */
	chacha20_block_for_test(key, 1ull | (0x09000000ull << 32), 0x4a000000ull, out);
	assert_int_equal(out[0], 0xe4e7f110);
	assert_int_equal(out[1], 0x15593bd1);
	assert_int_equal(out[15], 0x4e3c50a2);
	random_bytes(bytes, sizeof(bytes));	/* does not crash on odd sizes either */
	random_bytes(bytes, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_and_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getdents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getcwd_and_mounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_and_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chacha20, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
