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
struct task fs_host_task = { .fs = &fs_host_fs };
struct job_ids fs_host_ids;
uint64_t fs_host_signal_blocked;
uint64_t fs_host_clock_ns;
unsigned fs_host_blocks;
unsigned fs_host_wakeups;

static int last_signal, last_group_signal, last_group;
static char output[65536];
static size_t output_len;
static char input[4096];
static size_t input_head, input_len;
static void (*input_hook)(void);
static const struct task_signal_ops fake_signals;
static const struct fs_jobctl_ops fake_jobctl;

void fs_host_reset_proc(void)
{
	fs_host_ids = (struct job_ids){ .pid = 1, .pgid = 1, .sid = 1 };
	fs_host_task.cred = (struct cred){ 0 };
	fs_host_task.fs = &fs_host_fs;
	fs_host_task.fs->umask = 022;
	fs_host_signal_blocked = 0;
	task_signal_ops_register(&fake_signals);
	fs_jobctl_register(&fake_jobctl);
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

/* fs/jobctl.h's upcalls. The host has no process table: the current task's ids
 * are fs_host_ids, and every positive id is a process group of its session. */
static struct job_ids fake_current_ids(void)
{
	return fs_host_ids;
}

static bool fake_id_in_use(int id)
{
	return id > 0;
}

static bool fake_group_in_session(int pgid, int sid)
{
	(void)sid;
	return pgid > 0;
}

/* No process limits on the host: descriptors go up to the table's own cap. */
static uint64_t fake_nofile_limit(void)
{
	return FD_MAX;
}

static const struct fs_jobctl_ops fake_jobctl = {
	.current_ids = fake_current_ids,
	.id_in_use = fake_id_in_use,
	.group_in_session = fake_group_in_session,
	.nofile_limit = fake_nofile_limit,
};

/* sched/signal.h's upcalls: record what is sent; nothing is ever pending. */
static bool fake_pending(void)
{
	return false;
}

static void fake_send_self(int sig)
{
	last_signal = sig;
}

static int fake_send_group(int pgid, int sig)
{
	last_group = pgid;
	last_group_signal = sig;
	return 1;
}

static bool fake_refused(int sig)
{
	return fs_host_signal_blocked & SIGBIT(sig);
}

static uint64_t fake_mask_swap(uint64_t mask)
{
	uint64_t old = fs_host_signal_blocked;

	fs_host_signal_blocked = mask;
	return old;
}

static void fake_mask_restore(uint64_t old, bool after_delivery)
{
	(void)after_delivery;	/* no delivery here: back at once */
	fs_host_signal_blocked = old;
}

static const struct task_signal_ops fake_signals = {
	.pending = fake_pending,
	.send_self = fake_send_self,
	.send_group = fake_send_group,
	.refused = fake_refused,
	.mask_swap = fake_mask_swap,
	.mask_restore = fake_mask_restore,
};

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
	fs_host_task.files = fdtable_create();
	assert_non_null(fs_host_task.files);
	fs_host_task.fs->cwd = fs_root();
	inode_get(fs_host_task.fs->cwd);
	assert_int_equal(SYS(mkdir, "/t", 0755), 0);
	assert_int_equal(SYS(mount, "none", "/t", "tmpfs", 0, 0), 0);
}

void fs_host_end(void)
{
	fdtable_put(fs_host_task.files);
	fs_host_task.files = NULL;
	inode_put(fs_host_task.fs->cwd);
	fs_host_task.fs->cwd = NULL;
	fs_host_task.fs->cwd = fs_root();
	inode_get(fs_host_task.fs->cwd);
	fs_host_task.files = fdtable_create();
	fs_host_task.cred.euid = fs_host_task.cred.uid = 0;
	assert_int_equal(SYS(umount2, "/t", 0), 0);
	assert_int_equal(SYS(rmdir, "/t"), 0);
	fdtable_put(fs_host_task.files);
	fs_host_task.files = NULL;
	inode_put(fs_host_task.fs->cwd);
	fs_host_task.fs->cwd = NULL;
	kmalloc_shrink();
	assert_int_equal(frames_free(), baseline_free);
	assert_int_equal(frames_check(), 0);
	assert_int_equal(mm_host_locks_held(), 0);
}
