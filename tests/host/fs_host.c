/*
 * tests/host/fs_host.c - the fakes of fs_host.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "fs/internal.h"
#include "tests/host/fs_host.h"
#include "fs/fdtable.h"

static struct fs_info fs_host_fs = { .refs = 1 };	/* its cwd and umask */
static struct sigaction_k fs_host_actions[NSIG];
static struct sighand fs_host_sighand = { .refs = 1, .actions = fs_host_actions, .home = NULL };	/* its dispositions */
struct proc fs_host_proc = { .fs = &fs_host_fs, .sighand = &fs_host_sighand };
uint64_t fs_host_clock_ns;
unsigned fs_host_blocks;
unsigned fs_host_wakeups;

static int last_signal, last_group_signal, last_group;
static char output[65536];
static size_t output_len;
static char input[4096];
static size_t input_head, input_len;
static void (*input_hook)(void);

void fs_host_reset_proc(void)
{
	fs_host_proc.pid = 1;
	fs_host_proc.pgid = fs_host_proc.sid = 1;
	fs_host_proc.uid = fs_host_proc.euid = fs_host_proc.gid = fs_host_proc.egid = 0;
	fs_host_proc.fs = &fs_host_fs;
	fs_host_proc.sighand = &fs_host_sighand;
	fs_host_proc.fs->umask = 022;
	fs_host_proc.signal_blocked = 0;
	fs_host_proc.restore_blocked = false;
	fs_host_clock_ns = 1000;
	fs_host_blocks = 0;
	fs_host_wakeups = 0;
	fs_host_clear_signals();
	fs_host_output();
}

int fs_host_sleep(struct wait_queue *queue, uint64_t deadline_ns)
{
	(void)queue;
	fs_host_blocks++;
	if (deadline_ns) {
		if (fs_host_clock_ns < deadline_ns)
			fs_host_clock_ns = deadline_ns;
		return -ETIMEDOUT;
	}
	return -EINTR;
}

uint64_t fs_entropy(void)
{
	static uint64_t counter = 0x0123456789abcdefull;

	counter = counter * 6364136223846793005ull + 1442695040888963407ull;
	return counter;
}

uint64_t clock_monotonic_ns(void)
{
	return fs_host_clock_ns;
}

void wake_up(struct wait_queue *queue)
{
	(void)queue;
	fs_host_wakeups++;
}

void signal_send(struct proc *proc, int sig)
{
	assert_ptr_equal(proc, &fs_host_proc);
	last_signal = sig;
}

int signal_send_group(int pgid, int sig)
{
	last_group = pgid;
	last_group_signal = sig;
	return 1;
}

/* The host has no process table: every positive id is a process group of the
 * current process's session. */
bool proc_id_in_use(int id)
{
	return id > 0;
}

bool proc_group_in_session(int pgid, int sid)
{
	(void)sid;
	return pgid > 0;
}

/* No process limits on the host: descriptors go up to the table's own cap. */
uint64_t rlimit_current(unsigned resource)
{
	(void)resource;
	return FD_MAX;
}

bool signal_pending(void)
{
	return false;
}

int fs_host_last_signal(void)
{
	return last_signal;
}

int fs_host_last_group_signal(int *pgid)
{
	if (pgid)
		*pgid = last_group;
	return last_group_signal;
}

void fs_host_clear_signals(void)
{
	last_signal = last_group_signal = last_group = 0;
}

/* ---- COM1 ---- */

void serial_write(enum serial_port port, const char *bytes, size_t len)
{
	assert_int_equal(port, SERIAL_COM1);
	assert_true(output_len + len < sizeof(output));
	memcpy(output + output_len, bytes, len);
	output_len += len;
	output[output_len] = 0;
}

int serial_read_byte(enum serial_port port)
{
	assert_int_equal(port, SERIAL_COM1);
	if (input_head == input_len)
		return -1;
	return (unsigned char)input[input_head++];
}

void serial_set_input_hook(enum serial_port port, void (*hook)(void))
{
	assert_int_equal(port, SERIAL_COM1);
	input_hook = hook;
}

const char *fs_host_output(void)
{
	static char copy[sizeof(output)];

	memcpy(copy, output, output_len + 1);
	output_len = 0;
	output[0] = 0;
	return copy;
}

void fs_host_type(const char *bytes)
{
	size_t len = strlen(bytes);

	assert_non_null(input_hook);
	assert_true(len <= sizeof(input));
	memcpy(input, bytes, len);
	input_head = 0;
	input_len = len;
	input_hook();
}

/* ---- user memory ---- */

static bool bad(const void *user, size_t size)
{
	return size && (uintptr_t)user < FS_HOST_BAD_LIMIT;
}

int copy_from_user(void *dst, const void *user_src, size_t size)
{
	if (bad(user_src, size))
		return -EFAULT;
	memcpy(dst, user_src, size);
	return 0;
}

int copy_to_user(void *user_dst, const void *src, size_t size)
{
	if (bad(user_dst, size))
		return -EFAULT;
	memcpy(user_dst, src, size);
	return 0;
}

int clear_user(void *user_dst, size_t size)
{
	if (bad(user_dst, size))
		return -EFAULT;
	memset(user_dst, 0, size);
	return 0;
}

long strncpy_from_user(char *dst, const char *user_src, size_t max)
{
	if (bad(user_src, 1))
		return -EFAULT;
	for (size_t i = 0; i < max; i++) {
		dst[i] = user_src[i];
		if (!dst[i])
			return i;
	}
	return -ENAMETOOLONG;
}

/* ---- test scaffolding ---- */

#include "fs/fs.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "kernel/syscall.h"

static size_t baseline_free;

long fs_host_syscall(long (*fn)(const struct syscall_args *), uint64_t a0, uint64_t a1,
		     uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct syscall_args args = { { a0, a1, a2, a3, a4, a5 }, NULL };

	assert_non_null(fn);
	return fn(&args);
}

void fs_host_boot(void)
{
	static const struct mm_host_range range = { 0x100000, 64ul << 20 };
	struct file *r, *w;

	mm_host_boot(64ul << 20, &range, 1);
	fs_host_reset_proc();
	assert_int_equal(fs_init(NULL, 0), 0);
	/* The pipe superblock is made by the first pipe and kept: make it now. */
	assert_int_equal(pipe_create(0, &r, &w), 0);
	file_put(r);
	file_put(w);
}

void fs_host_begin(void)
{
	fs_host_reset_proc();
	kmalloc_shrink();
	baseline_free = frames_free();
	fs_host_proc.files = fdtable_create();
	assert_non_null(fs_host_proc.files);
	fs_host_proc.fs->cwd = fs_root();
	inode_get(fs_host_proc.fs->cwd);
	assert_int_equal(SYS(mkdir, "/t", 0755), 0);
	assert_int_equal(SYS(mount, "none", "/t", "tmpfs", 0, 0), 0);
}

void fs_host_end(void)
{
	fdtable_put(fs_host_proc.files);
	fs_host_proc.files = NULL;
	inode_put(fs_host_proc.fs->cwd);
	fs_host_proc.fs->cwd = NULL;
	fs_host_proc.fs->cwd = fs_root();
	inode_get(fs_host_proc.fs->cwd);
	fs_host_proc.files = fdtable_create();
	fs_host_proc.euid = fs_host_proc.uid = 0;
	assert_int_equal(SYS(umount2, "/t", 0), 0);
	assert_int_equal(SYS(rmdir, "/t"), 0);
	fdtable_put(fs_host_proc.files);
	fs_host_proc.files = NULL;
	inode_put(fs_host_proc.fs->cwd);
	fs_host_proc.fs->cwd = NULL;
	kmalloc_shrink();
	assert_int_equal(frames_free(), baseline_free);
	assert_int_equal(frames_check(), 0);
	assert_int_equal(mm_host_locks_held(), 0);
}
