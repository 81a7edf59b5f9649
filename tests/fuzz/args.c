/*
 * args.c - arguments for system calls: mostly meaningful, often on a boundary,
 * sometimes plain wrong.
 *
 * An address is one of the process's own mappings (start, middle, last byte, just
 * past the end, straddling the end), its stack, text, a read-only or PROT_NONE
 * page, or an address no user may touch: NULL, the first page, the last user page,
 * the non-canonical hole, the kernel's half. Lengths cluster around page sizes and
 * overflow points. Paths that may be changed are the worker's sandbox files only;
 * the rest of the file system is only ever read.
 */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>

#define PAGE 4096ull

static const uint64_t bad_addresses[] = {
	0, 1, 0xfff, 0x1000, 0x10000,
	0x00007ffffffff000ull,		/* the last user page (calf: above the stack) */
	0x00007fffffffffffull,		/* the last user byte */
	0x0000800000000000ull,		/* the first non-canonical address */
	0x0000fffffffff000ull,
	0x8000000000000000ull,
	0xdead000000000000ull,
	0xffff800000000000ull,		/* the first kernel address */
	0xffff888000000000ull,		/* Linux's direct map */
	0xffffffff80000000ull,		/* the kernel image */
	0xffffffff81000000ull,
	0xfffffffffffff000ull,
	0xffffffffffffffffull,
};

static const uint64_t boundary_lengths[] = {
	0, 1, 2, 7, 8, 4095, 4096, 4097, 8191, 8192, 65536, 1ull << 20, 1ull << 21,
	1ull << 30, 1ull << 32, 1ull << 46, 1ull << 47, 0x00007ffffffff000ull,
	1ull << 63, 0xfffffffffffff000ull, 0xffffffffffffffffull, 0x7fffffffffffffffull,
	0x7ffff000ull, 0x80000000ull,
};

static uint64_t pick(struct fz *f, const uint64_t *table, size_t n)
{
	return table[rng_below(&f->rng, n)];
}

/* Somewhere in or around one of our mappings. */
static uint64_t near_map(struct fz *f)
{
	if (f->nmaps == 0)
		return (uint64_t)f->scratch;
	struct fz_map *m = &f->maps[rng_below(&f->rng, f->nmaps)];
	switch (rng_below(&f->rng, 6)) {
	case 0: return m->addr;
	case 1: return m->addr + m->len - 1;
	case 2: return m->addr + m->len;		/* just past the end */
	case 3: return m->addr + m->len - rng_below(&f->rng, 64);	/* straddling */
	case 4: return m->addr - PAGE;
	default: return m->addr + rng_below(&f->rng, m->len / PAGE + 1) * PAGE;
	}
}

uint64_t arg_addr(struct fz *f)
{
	int local;

	switch (rng_below(&f->rng, 12)) {
	case 0: case 1: return pick(f, bad_addresses, sizeof bad_addresses / 8);
	case 2: return rng_next(&f->rng) & 0x00007ffffffff000ull;	/* anywhere */
	case 3: return rng_next(&f->rng);
	case 4:		/* the stack: a worker only below what it uses */
		return (uint64_t)&local - (rng_below(&f->rng, 4) + (f->level == 0 ? 2 : 0)) * PAGE;
	case 5: return (uint64_t)f->ro;
	case 6: return (uint64_t)f->none;
	case 7: return (uint64_t)&arg_addr;				/* text */
	case 8: return (uint64_t)f->scratch + rng_below(&f->rng, FZ_SCRATCH);
	default: return near_map(f);
	}
}

/*
 * An address to unmap, protect, map over or advise. The worker itself is careful:
 * only its own mappings, or addresses that cannot be ours, so that it lives
 * through its budget; its children may hit their own stack, text and buffers.
 */
uint64_t arg_target_addr(struct fz *f)
{
	if (f->level > 0)
		return arg_addr(f);
	if (rng_below(&f->rng, 4) == 0)
		return pick(f, bad_addresses, sizeof bad_addresses / 8) |
		       (rng_one_in(&f->rng, 2) ? 0 : 0x0000800000000000ull);
	if (f->nmaps == 0)		/* far from everything: 16 TiB to 32 TiB */
		return 0x100000000000ull + (rng_next(&f->rng) & 0x0fffffff000ull);
	struct fz_map *m = &f->maps[rng_below(&f->rng, f->nmaps)];
	return m->addr + rng_below(&f->rng, m->len / 4096) * 4096;
}

/* For a buffer argument: usually good memory, so the call gets past its checks. */
uint64_t arg_user_addr(struct fz *f)
{
	if (rng_below(&f->rng, 3))
		return (uint64_t)f->scratch + rng_below(&f->rng, 64) * 512;
	return arg_addr(f);
}

uint64_t arg_len(struct fz *f)
{
	switch (rng_below(&f->rng, 4)) {
	case 0: return pick(f, boundary_lengths, sizeof boundary_lengths / 8);
	case 1: return rng_below(&f->rng, 64);
	default: return rng_below(&f->rng, FZ_SCRATCH / 2);
	}
}

/* A length for mmap and friends: pages, sometimes huge or unaligned. */
uint64_t arg_page_len(struct fz *f)
{
	switch (rng_below(&f->rng, 8)) {
	case 0: return pick(f, boundary_lengths, sizeof boundary_lengths / 8);
	case 1: return rng_below(&f->rng, 3 * PAGE);
	case 2: return (1 + rng_below(&f->rng, 4096)) * PAGE;
	default: return (1 + rng_below(&f->rng, 16)) * PAGE;
	}
}

long arg_fd(struct fz *f)
{
	static const long odd[] = { -1, -100, 0, 1, 2, 1023, 1024, 65536, 0x7fffffff };

	if (f->nfds && rng_below(&f->rng, 5))
		return f->fds[rng_below(&f->rng, f->nfds)];
	if (rng_one_in(&f->rng, 2))
		return odd[rng_below(&f->rng, sizeof odd / sizeof *odd)];
	return (long)rng_below(&f->rng, 64);
}

long arg_int(struct fz *f)
{
	static const long odd[] = { 0, 1, -1, 2, 0x7fffffff, -0x80000000l, 0xffffffffl,
				    0x100000000l, 0x7fffffffffffffffl };

	if (rng_one_in(&f->rng, 3))
		return odd[rng_below(&f->rng, sizeof odd / sizeof *odd)];
	return (long)rng_below(&f->rng, 256) - 16;
}

/* Flags: mostly a few of the likely bits, sometimes any bits at all. */
uint64_t arg_bits(struct fz *f, uint64_t likely)
{
	if (rng_one_in(&f->rng, 16))
		return rng_next(&f->rng);
	uint64_t bits = 0;
	for (int i = 0; i < 64; i++)
		if ((likely >> i) & 1 && rng_one_in(&f->rng, 3))
			bits |= 1ull << i;
	return bits;
}

/* Read-only everywhere: files that exist, and some that do not. */
static const char *const system_paths[] = {
	"/", "/bin/busybox", "/bin/sh", "/bin/true", "/proc/self/maps", "/proc/self/status",
	"/proc/self/stat", "/proc/meminfo", "/proc/vmstat", "/proc/sys/vm/mm_audit",
	"/proc/1/maps", "/proc", "/dev/null", "/dev/zero", "/dev/urandom", "/etc/passwd",
	"/nonexistent", "/bin/nonexistent", "/dev/null/x", "", ".", "..", "/proc/self/fd",
	"/tests/fuzz/fuzz", "/etc/passwd/", "//bin///busybox",
};

static const char *const own_names[] = {
	"f0", "f1", "f2", "f3", "elf", "script", "d0", "d0/f", "link", "fifo", "new",
	"d1", "nonexistent/x", "f0/", ".",
};

/* A path for calls that change nothing, or a bad pointer. */
const char *arg_path(struct fz *f, char *buf, size_t size)
{
	switch (rng_below(&f->rng, 8)) {
	case 0:
		return (const char *)arg_addr(f);
	case 1: {
		size_t n = size - 1;
		memset(buf, rng_one_in(&f->rng, 2) ? 'a' : '/', n);	/* too long */
		buf[n] = 0;
		return buf;
	}
	case 2: case 3:
		return system_paths[rng_below(&f->rng, sizeof system_paths / sizeof *system_paths)];
	default:
		return arg_own_path(f, buf, size);
	}
}

/* A path in our sandbox (absolute or relative to it), or sometimes a bad pointer. */
const char *arg_own_path(struct fz *f, char *buf, size_t size)
{
	const char *name = own_names[rng_below(&f->rng, sizeof own_names / sizeof *own_names)];

	if (rng_one_in(&f->rng, 16))
		return (const char *)pick(f, bad_addresses, sizeof bad_addresses / 8);
	/* Relative names only as nobody: a root process whose cwd has left the
	 * sandbox once created /script. */
	if (!f->privileged && rng_one_in(&f->rng, 2))
		strncpy(buf, name, size);
	else
		snprintf(buf, size, "%s/%s", f->dir, name);
	buf[size - 1] = 0;
	return buf;
}

void fz_remember_fd(struct fz *f, long fd)
{
	if (fd < 0)
		return;
	if (f->nfds < FZ_MAX_FDS)
		f->fds[f->nfds++] = (int)fd;
	else
		f->fds[rng_below(&f->rng, FZ_MAX_FDS)] = (int)fd;
}

void fz_forget_fd(struct fz *f, int fd)
{
	for (int i = 0; i < f->nfds; i++)
		if (f->fds[i] == fd)
			f->fds[i--] = f->fds[--f->nfds];
}

void fz_remember_map(struct fz *f, uint64_t addr, uint64_t len)
{
	struct fz_map m = { addr, len };

	if (f->nmaps < FZ_MAX_MAPS)
		f->maps[f->nmaps++] = m;
	else
		f->maps[rng_below(&f->rng, FZ_MAX_MAPS)] = m;
}

/* Forget the mappings a munmap of [addr, addr + len) may have removed. */
void fz_forget_map(struct fz *f, uint64_t addr, uint64_t len)
{
	for (int i = 0; i < f->nmaps; i++) {
		struct fz_map *m = &f->maps[i];
		if (addr < m->addr + m->len && m->addr < addr + len)
			f->maps[i--] = f->maps[--f->nmaps];
	}
}
