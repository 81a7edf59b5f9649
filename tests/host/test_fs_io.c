/*
 * Host tests for descriptors and the files that are not plain files: the fd table
 * (fs/fdtable.c), pipes (fs/pipe.c), poll and select (fs/poll.c, fs/sys_poll.c)
 * and the console tty's line discipline (fs/tty.c). Nothing sleeps on the host: a
 * call that would block shows up as -ERESTARTSYS (or -EINTR for poll) and a count
 * in fs_host_blocks; a poll with a timeout moves the fake clock to its deadline.
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
#include "fs/fdtable.h"
#include "fs/tty.h"
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

/* ------------------------------------------------------------ fd table */

/* mmap's checks on fd (fd_mmap_file, then file_mmap_check); may_write as it says. */
static bool may_write;

static int mappable(struct fdtable *table, long fd, unsigned prot, bool shared)
{
	struct mm_backing *backing;
	struct file *file = fd_mmap_file(table, fd);

	if (!file)
		return -EBADF;
	int error = file_mmap_check(file, prot, shared, &backing, &may_write);
	file_put(file);
	return error;
}

static void test_fd_table(void **state)
{
	struct fdtable *table = fs_host_task.files, *copy;
	char buf[4];
	long fd, d;

	(void)state;
	fd = SYS(open, "/t/f", O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	assert_int_equal(fd, 0);
	assert_int_equal(SYS(write, fd, "abcdef", 6), 6);
	assert_int_equal(SYS(fcntl, fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(SYS(fcntl, fd, F_GETFL), O_RDWR | O_LARGEFILE);
	d = SYS(dup, fd);
	assert_int_equal(d, 1);
	assert_int_equal(SYS(fcntl, d, F_GETFD), 0);	/* dup clears FD_CLOEXEC */
	assert_int_equal(SYS(lseek, d, 2, SEEK_SET), 2);	/* the offset is shared */
	assert_int_equal(SYS(read, fd, buf, 1), 1);
	assert_int_equal(buf[0], 'c');
	assert_int_equal(SYS(dup2, fd, 10), 10);
	assert_int_equal(SYS(dup2, fd, fd), fd);
	assert_int_equal(SYS(dup2, 55, 56), -EBADF);
	assert_int_equal(SYS(dup2, fd, -1), -EBADF);
	assert_int_equal(SYS(dup3, fd, fd, 0), -EINVAL);
	assert_int_equal(SYS(dup3, fd, 11, O_CLOEXEC), 11);
	assert_int_equal(SYS(dup3, fd, 12, O_APPEND), -EINVAL);
	assert_int_equal(SYS(fcntl, 11, F_GETFD), FD_CLOEXEC);
	assert_int_equal(SYS(fcntl, fd, F_DUPFD, 10), 12);
	assert_int_equal(SYS(fcntl, fd, F_DUPFD_CLOEXEC, 0), 2);
	assert_int_equal(SYS(fcntl, fd, F_DUPFD, FD_MAX), -EINVAL);
	assert_int_equal(SYS(fcntl, 99, F_DUPFD, 0), -EBADF);
	assert_int_equal(SYS(fcntl, fd, F_SETFD, 0), 0);
	assert_int_equal(SYS(fcntl, fd, F_GETFD), 0);
	assert_int_equal(SYS(fcntl, fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY), 0);
	assert_int_equal(SYS(fcntl, fd, F_GETFL), O_RDWR | O_LARGEFILE | O_APPEND | O_NONBLOCK);
	assert_int_equal(SYS(fcntl, fd, 12345), -EINVAL);
	assert_int_equal(SYS(ioctl, fd, FIOCLEX, 0), 0);
	assert_int_equal(SYS(fcntl, fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(fdtable_count(table), 6);	/* 0, 1, 2, 10, 11, 12 */
	/* fork's copy shares the files; exec closes the close-on-exec ones. */
	copy = fdtable_clone(table);
	assert_int_equal(fdtable_count(copy), 6);
	fdtable_close_on_exec(copy);
	assert_int_equal(fdtable_count(copy), 3);	/* 0, 2 and 11 were close-on-exec */
	assert_ptr_equal(fd_inode(copy, 1), fd_inode(table, 0));
	assert_null(fd_inode(copy, 0));
	fdtable_put(copy);
	/* mmap checks. */
	assert_int_equal(mappable(table, 1, 3, true), 0);	/* O_APPEND does not matter */
	assert_true(may_write);
	assert_int_equal(mappable(table, 1, 3, false), 0);
	assert_int_equal(mappable(table, 77, 1, false), -EBADF);
	long ro = SYS(open, "/t/f", O_RDONLY);
	assert_int_equal(mappable(table, ro, 3, true), -EACCES);
	assert_int_equal(mappable(table, ro, 1, true), 0);	/* but never writable */
	assert_false(may_write);
	assert_int_equal(mappable(table, ro, 3, false), 0);	/* private: fine */
	assert_true(may_write);
	long null = SYS(open, "/dev/null", O_RDONLY);
	assert_int_equal(mappable(table, null, 1, false), -ENODEV);
	long zero = SYS(open, "/dev/zero", O_RDONLY);
	assert_int_equal(mappable(table, zero, 1, false), 0);	/* anonymous memory */
	assert_int_equal(mappable(table, zero, 3, true), -EACCES);
	long wo = SYS(open, "/t/f", O_WRONLY);
	assert_int_equal(mappable(table, wo, 1, false), -EACCES);
	long dir = SYS(open, "/t", O_RDONLY);
	assert_int_equal(mappable(table, dir, 1, false), -ENODEV);
	long path = SYS(open, "/t/f", O_PATH);
	assert_int_equal(mappable(table, path, 1, false), -EBADF);
	/* The limit: 1024 descriptors, then EMFILE. */
	int opened = 0;
	while ((d = SYS(dup, fd)) >= 0)
		opened++;
	assert_int_equal(d, -EMFILE);
	assert_int_equal(fdtable_count(table), FD_MAX);
	assert_int_equal(SYS(open, "/t/f", O_RDONLY), -EMFILE);
	assert_int_equal(SYS(pipe, buf), -EMFILE);
	assert_int_equal(SYS(close_range, 3, ~0u, 0), 0);
	assert_int_equal(fdtable_count(table), 3);
	assert_int_equal(SYS(unlink, "/t/f"), 0);
	(void)opened;
}

/* ------------------------------------------------------------ pipes */

static void test_pipe_basics(void **state)
{
	int p[2];
	char buf[16];
	struct linux_stat st;
	int n;

	(void)state;
	assert_int_equal(SYS(pipe, p), 0);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 1);
	assert_int_equal(SYS(fstat, p[0], &st), 0);
	assert_int_equal(st.st_mode & S_IFMT, S_IFIFO);
	assert_int_equal(SYS(write, p[1], "abc", 3), 3);
	assert_int_equal(SYS(ioctl, p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(SYS(read, p[0], buf, 2), 2);
	assert_int_equal(SYS(read, p[0], buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'c');
	assert_int_equal(SYS(read, p[1], buf, 1), -EBADF);
	assert_int_equal(SYS(write, p[0], "x", 1), -EBADF);
	assert_int_equal(SYS(lseek, p[0], 0, SEEK_SET), -ESPIPE);
	assert_int_equal(SYS(pread64, p[0], buf, 1, 0), -ESPIPE);
	assert_int_equal(SYS(ioctl, p[0], 0x5401, buf), -ENOTTY);
	/* An empty pipe with a writer would block: a signal interrupts it. */
	fs_host_blocks = 0;
	assert_int_equal(SYS(read, p[0], buf, 1), -ERESTARTSYS);
	assert_int_equal(fs_host_blocks, 1);
	assert_int_equal(SYS(fcntl, p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(SYS(read, p[0], buf, 1), -EAGAIN);
	/* All writers gone: end of file. */
	assert_int_equal(SYS(write, p[1], "z", 1), 1);
	assert_int_equal(SYS(close, p[1]), 0);
	assert_int_equal(SYS(read, p[0], buf, sizeof(buf)), 1);
	assert_int_equal(SYS(read, p[0], buf, sizeof(buf)), 0);
	assert_int_equal(SYS(close, p[0]), 0);
	/* All readers gone: EPIPE and SIGPIPE. */
	assert_int_equal(SYS(pipe2, p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(SYS(fcntl, p[0], F_GETFD), FD_CLOEXEC);
	assert_int_equal(SYS(fcntl, p[1], F_GETFL), O_WRONLY | O_NONBLOCK);
	assert_int_equal(SYS(close, p[0]), 0);
	fs_host_clear_signals();
	assert_int_equal(SYS(write, p[1], "x", 1), -EPIPE);
	assert_int_equal(fs_host_last_signal(), SIGPIPE);
	assert_int_equal(SYS(write, p[1], "", 0), 0);
	assert_int_equal(SYS(close, p[1]), 0);
	assert_int_equal(SYS(pipe2, p, O_APPEND), -EINVAL);
	assert_int_equal(SYS(pipe, 8), -EFAULT);
	assert_int_equal(fdtable_count(fs_host_task.files), 0);
}

static void test_pipe_capacity(void **state)
{
	char *buf = malloc(70000), *back = malloc(70000);
	int p[2];

	(void)state;
	for (int i = 0; i < 70000; i++)
		buf[i] = (char)(i * 7);
	assert_int_equal(SYS(pipe2, p, O_NONBLOCK), 0);
	/* Counted once the pipe exists: its buffer frames come with the writes (the
	 * structures themselves may need a fresh heap slab). */
	size_t frames = frames_free();
	/* Non-blocking: a big write takes what fits, 64 KiB. */
	assert_int_equal(SYS(write, p[1], buf, 70000), 65536);
	assert_int_equal(frames_free(), frames - 16);
	assert_int_equal(SYS(write, p[1], buf, 1), -EAGAIN);
	/* Reading 100 bytes leaves room for them, but an atomic 200 must wait. */
	assert_int_equal(SYS(read, p[0], back, 100), 100);
	assert_int_equal(SYS(write, p[1], buf + 65536, 200), -EAGAIN);
	assert_int_equal(SYS(write, p[1], buf + 65536, 100), 100);
	assert_int_equal(SYS(read, p[0], back + 100, 70000), 65536);
	assert_memory_equal(back, buf, 65636);
	/* Blocking: a write larger than the room blocks after the part that fits. */
	assert_int_equal(SYS(fcntl, p[1], F_SETFL, 0), 0);
	assert_int_equal(SYS(write, p[1], buf, 65536), 65536);
	fs_host_blocks = 0;
	assert_int_equal(SYS(write, p[1], buf, 5000), -ERESTARTSYS);
	assert_int_equal(fs_host_blocks, 1);
	assert_int_equal(SYS(close, p[0]), 0);
	assert_int_equal(SYS(write, p[1], buf, 5000), -EPIPE);
	assert_int_equal(SYS(close, p[1]), 0);
	assert_int_equal(frames_free(), frames);
	free(buf);
	free(back);
}

/* ------------------------------------------------------------ poll and select */

static void test_poll(void **state)
{
	struct linux_pollfd fds[3];
	struct linux_timespec ts = { 1, 500 };
	uint64_t readset, writeset;
	int p[2];
	long file;

	(void)state;
	assert_int_equal(SYS(pipe, p), 0);
	file = SYS(open, "/t/f", O_CREAT | O_RDWR, 0644);
	fds[0] = (struct linux_pollfd){ p[0], POLLIN, 0 };
	fds[1] = (struct linux_pollfd){ p[1], POLLOUT, 0 };
	fds[2] = (struct linux_pollfd){ 40, POLLIN, 0 };
	assert_int_equal(SYS(poll, fds, 3, 0), 2);
	assert_int_equal(fds[0].revents, 0);
	assert_int_equal(fds[1].revents, POLLOUT);
	assert_int_equal(fds[2].revents, POLLNVAL);
	/* Nothing to read: a timeout of 250 ms passes (the fake clock moves). */
	uint64_t before = fs_host_clock_ns;
	assert_int_equal(SYS(poll, fds, 1, 250), 0);
	assert_true(fs_host_clock_ns >= before + 250000000ull);
	/* No timeout: only a signal ends the wait. */
	assert_int_equal(SYS(poll, fds, 1, -1), -EINTR);
	assert_int_equal(SYS(write, p[1], "x", 1), 1);
	assert_int_equal(SYS(poll, fds, 1, -1), 1);
	assert_int_equal(fds[0].revents, POLLIN);
	/* Hang-up and error once the other end is gone. */
	assert_int_equal(SYS(close, p[1]), 0);
	assert_int_equal(SYS(poll, fds, 1, 0), 1);
	assert_int_equal(fds[0].revents, POLLIN | POLLHUP);
	fds[0] = (struct linux_pollfd){ file, POLLIN | POLLOUT, 0 };
	fds[1] = (struct linux_pollfd){ -1, POLLIN, 0 };
	assert_int_equal(SYS(poll, fds, 2, 0), 1);
	assert_int_equal(fds[0].revents, POLLIN | POLLOUT);
	assert_int_equal(fds[1].revents, 0);
	assert_int_equal(SYS(poll, 8, 1, 0), -EFAULT);
	assert_int_equal(SYS(poll, fds, FD_MAX + 1, 0), -EINVAL);
	/* ppoll: the timespec is updated; a bad one is EINVAL; a signal mask is applied. */
	uint64_t mask = 1ull << (SIGINT - 1);
	assert_int_equal(SYS(ppoll, fds, 1, &ts, &mask, 8), 1);
	assert_int_equal(fs_host_signal_blocked, 0);	/* restored */
	struct linux_timespec bad = { 0, 1000000000 };
	assert_int_equal(SYS(ppoll, fds, 1, &bad, NULL, 8), -EINVAL);
	assert_int_equal(SYS(ppoll, fds, 1, &ts, &mask, 4), -EINVAL);
	/* select over the read end (at EOF: readable) and the file. */
	readset = (1ull << p[0]) | (1ull << file);
	writeset = 1ull << file;
	struct linux_timeval tv = { 0, 0 };
	assert_int_equal(SYS(select, 64, &readset, &writeset, NULL, &tv), 3);
	assert_int_equal(readset, (1ull << p[0]) | (1ull << file));
	readset = 1ull << 50;
	assert_int_equal(SYS(select, 64, &readset, NULL, NULL, &tv), -EBADF);
	assert_int_equal(SYS(select, -1, NULL, NULL, NULL, &tv), -EINVAL);
	/* pselect6 with a timeout and nothing ready: 0 after the deadline. */
	int q[2];
	assert_int_equal(SYS(pipe, q), 0);
	readset = 1ull << q[0];
	struct linux_timespec half = { 0, 500000000 };
	assert_int_equal(SYS(pselect6, 64, &readset, NULL, NULL, &half, NULL), 0);
	assert_int_equal(readset, 0);
	assert_int_equal(half.tv_sec, 0);
	assert_int_equal(half.tv_nsec, 0);
	assert_int_equal(SYS(close, q[0]), 0);
	assert_int_equal(SYS(close, q[1]), 0);
	assert_int_equal(SYS(close, p[0]), 0);
	assert_int_equal(SYS(close, file), 0);
	assert_int_equal(SYS(unlink, "/t/f"), 0);
}

/* ------------------------------------------------------------ the tty */

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSF 0x5404
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCNOTTY 0x5422

static long open_console(void)
{
	tty_reset(NULL);
	fs_host_output();
	return SYS(open, "/dev/console", O_RDWR);
}

static void test_tty_canonical(void **state)
{
	char buf[64];
	long fd = open_console();

	(void)state;
	assert_true(fd >= 0);
	/* Output: "\n" becomes "\r\n". */
	assert_int_equal(SYS(write, fd, "hi\nthere", 8), 8);
	assert_string_equal(fs_host_output(), "hi\r\nthere");
	/* A line is readable once complete; CR is turned into NL; echo. */
	fs_host_type("ab");
	assert_int_equal(SYS(ioctl, fd, FIONREAD, buf), 0);
	assert_int_equal(SYS(fcntl, fd, F_SETFL, O_NONBLOCK | O_RDWR), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(SYS(fcntl, fd, F_SETFL, O_RDWR), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), -ERESTARTSYS);	/* would block */
	fs_host_type("c\r");
	assert_string_equal(fs_host_output(), "abc\r\n");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "abc\n", 4);
	/* A short read takes part of a line; the rest stays for the next one. */
	fs_host_type("hello\n");
	assert_int_equal(SYS(read, fd, buf, 2), 2);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "llo\n", 4);
	/* Two lines, two reads. */
	fs_host_type("1\n2\n");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 2);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "2\n", 2);
	fs_host_output();
	/* Erase with DEL and ^H, kill with ^U, word erase with ^W. */
	fs_host_type("abx\177\bc\n");
	assert_string_equal(fs_host_output(), "abx\b \b\b \bc\r\n");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ac\n", 3);
	fs_host_type("junk\025ok one two\027\n");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "ok one \n", 8);
	/* ^D: at the start of a line end of file; in the middle it ends the line. */
	fs_host_type("\004");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	fs_host_type("part\004");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "part", 4);
	/* The tty is not seekable; winsize defaults to 24x80. */
	assert_int_equal(SYS(lseek, fd, 0, SEEK_CUR), -ESPIPE);
	struct linux_winsize ws;
	assert_int_equal(SYS(ioctl, fd, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 24);
	assert_int_equal(ws.ws_col, 80);
	assert_int_equal(SYS(ioctl, fd, 0x1234, 0), -ENOTTY);
	assert_int_equal(SYS(close, fd), 0);
}

static void test_tty_raw_and_signals(void **state)
{
	struct linux_termios t;
	char buf[64];
	int pgrp;
	long fd = open_console();

	(void)state;
	assert_int_equal(SYS(ioctl, fd, TCGETS, &t), 0);
	assert_int_equal(t.c_iflag, 0x500);	/* ICRNL | IXON */
	assert_int_equal(t.c_oflag, 5);		/* OPOST | ONLCR */
	assert_int_equal(t.c_lflag, 0x8a3b);
	assert_int_equal(t.c_cc[0], 3);		/* VINTR ^C */
	assert_int_equal(t.c_cc[6], 1);		/* VMIN */
	/* Not the controlling tty yet: no process group to ask about, no /dev/tty. */
	assert_int_equal(SYS(ioctl, fd, TIOCGPGRP, &pgrp), -ENOTTY);
	assert_int_equal(SYS(open, "/dev/tty", O_RDWR), -ENXIO);
	fs_host_ids.pid = 7;	/* not a session leader */
	assert_int_equal(SYS(ioctl, fd, TIOCSCTTY, 0), -EPERM);
	fs_host_ids.pid = 1;
	assert_int_equal(SYS(ioctl, fd, TIOCSCTTY, 0), 0);
	assert_int_equal(SYS(ioctl, fd, TIOCGPGRP, &pgrp), 0);
	assert_int_equal(pgrp, 1);
	long tty = SYS(open, "/dev/tty", O_RDWR);
	assert_true(tty >= 0);
	assert_int_equal(SYS(close, tty), 0);
	pgrp = 5;
	assert_int_equal(SYS(ioctl, fd, TIOCSPGRP, &pgrp), 0);
	/* ^C and ^\ signal the foreground group and flush the line. */
	fs_host_clear_signals();
	fs_host_type("abc\003");
	assert_int_equal(fs_host_last_group_signal(&pgrp), SIGINT);
	assert_int_equal(pgrp, 5);
	assert_string_equal(fs_host_output(), "abc^C");
	fs_host_type("\034");
	assert_int_equal(fs_host_last_group_signal(NULL), SIGQUIT);
	fs_host_type("\032");
	assert_int_equal(fs_host_last_group_signal(NULL), SIGTSTP);
	/* A background reader (group 1, foreground 5) gets SIGTTIN. */
	fs_host_clear_signals();
	fs_host_type("x\n");
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), -ERESTARTSYS);
	assert_int_equal(fs_host_last_group_signal(&pgrp), SIGTTIN);
	assert_int_equal(pgrp, 1);
	pgrp = 1;
	assert_int_equal(SYS(ioctl, fd, TIOCSPGRP, &pgrp), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 2);
	/* Raw mode: bytes are readable at once, no echo, no CR translation. */
	t.c_lflag &= ~(0x2 | 0x8);	/* ICANON, ECHO */
	t.c_iflag &= ~0x100;		/* ICRNL */
	assert_int_equal(SYS(ioctl, fd, TCSETS, &t), 0);
	fs_host_output();
	fs_host_type("q\r");
	assert_string_equal(fs_host_output(), "");
	assert_int_equal(SYS(read, fd, buf, 1), 1);
	assert_int_equal(buf[0], 'q');
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], '\r');
	/* VMIN 0, VTIME 0: a read returns at once, with nothing. */
	t.c_cc[6] = 0;
	assert_int_equal(SYS(ioctl, fd, TCSETS, &t), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	/* VMIN 0, VTIME 5: waits up to half a second. */
	t.c_cc[5] = 5;
	assert_int_equal(SYS(ioctl, fd, TCSETS, &t), 0);
	uint64_t before = fs_host_clock_ns;
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	assert_true(fs_host_clock_ns >= before + 500000000ull);
	/* TCSETSF flushes pending input. */
	fs_host_type("zzz");
	assert_int_equal(SYS(ioctl, fd, TCSETSF, &t), 0);
	assert_int_equal(SYS(read, fd, buf, sizeof(buf)), 0);
	/* Window size changes signal SIGWINCH. */
	struct linux_winsize ws = { 50, 132, 0, 0 };
	fs_host_clear_signals();
	assert_int_equal(SYS(ioctl, fd, TIOCSWINSZ, &ws), 0);
	assert_int_equal(fs_host_last_group_signal(NULL), SIGWINCH);
	/* Giving the terminal up. */
	assert_int_equal(SYS(ioctl, fd, TIOCNOTTY, 0), 0);
	assert_int_equal(SYS(ioctl, fd, TIOCGPGRP, &pgrp), -ENOTTY);
	assert_int_equal(SYS(ioctl, fd, TCGETS, 8), -EFAULT);
	assert_int_equal(SYS(close, fd), 0);
	tty_reset(NULL);
}

static void test_sendfile_and_vectors(void **state)
{
	struct linux_iovec iov[3];
	char a[8], b[8];
	int64_t offset = 2;
	long in, out;

	(void)state;
	in = SYS(open, "/t/in", O_CREAT | O_RDWR, 0644);
	iov[0] = (struct linux_iovec){ U("one "), 4 };
	iov[1] = (struct linux_iovec){ U(""), 0 };
	iov[2] = (struct linux_iovec){ U("two three"), 9 };
	assert_int_equal(SYS(writev, in, iov, 3), 13);
	assert_int_equal(SYS(lseek, in, 0, SEEK_SET), 0);
	iov[0] = (struct linux_iovec){ U(a), 4 };
	iov[1] = (struct linux_iovec){ U(b), 8 };
	assert_int_equal(SYS(readv, in, iov, 2), 12);
	assert_memory_equal(a, "one ", 4);
	assert_memory_equal(b, "two thre", 8);
	assert_int_equal(SYS(readv, in, iov, -1), -EINVAL);
	assert_int_equal(SYS(readv, in, iov, 1025), -EINVAL);
	iov[0].len = (uint64_t)-1;
	assert_int_equal(SYS(readv, in, iov, 2), -EINVAL);
	iov[0] = (struct linux_iovec){ 16, 4 };
	assert_int_equal(SYS(pwritev, in, iov, 1, 0), -EFAULT);
	/* sendfile from an offset into a pipe. */
	int p[2];
	assert_int_equal(SYS(pipe, p), 0);
	assert_int_equal(SYS(sendfile, p[1], in, &offset, 100), 11);
	assert_int_equal(offset, 13);
	assert_int_equal(SYS(lseek, in, 0, SEEK_CUR), 12);	/* its own offset unchanged */
	char buf[16];
	assert_int_equal(SYS(read, p[0], buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "e two three", 11);
	out = SYS(open, "/t/out", O_CREAT | O_WRONLY, 0644);
	assert_int_equal(SYS(lseek, in, 0, SEEK_SET), 0);
	assert_int_equal(SYS(sendfile, out, in, NULL, 100), 13);
	assert_int_equal(SYS(sendfile, in, out, NULL, 100), -EBADF);
	assert_int_equal(SYS(close, p[0]), 0);
	assert_int_equal(SYS(close, p[1]), 0);
	assert_int_equal(SYS(close, in), 0);
	assert_int_equal(SYS(close, out), 0);
	assert_int_equal(SYS(unlink, "/t/in"), 0);
	assert_int_equal(SYS(unlink, "/t/out"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fd_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_basics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tty_canonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tty_raw_and_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sendfile_and_vectors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
