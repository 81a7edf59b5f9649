/*
 * ops_mem.c - memory operations: mmap in all its forms, munmap, mprotect, brk,
 * madvise, mremap, msync, mlock, and touching the pages (faults, copy-on-write).
 *
 * Memory stays bounded whatever the generator says: shared anonymous and
 * populated mappings are made eagerly by the kernel, so their lengths are clamped
 * unless they are beyond all of memory anyway (then they must fail), and a
 * process touches at most FZ_TOUCH_MAX pages at a time within the first
 * TOUCH_WINDOW pages of a mapping.
 */
#include "fuzz.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096ull
#define TOUCH_WINDOW 256
#define EAGER_MAX (64 * PAGE)
#define HUGE (1ull << 31)	/* above any guest's memory: must be refused */

extern sigjmp_buf fz_fault_jump;
extern volatile sig_atomic_t fz_fault_armed;

static uint64_t pick_prot(struct fz *f)
{
	if (rng_one_in(&f->rng, 16))
		return rng_next(&f->rng) & 0x0300000f;	/* GROWSDOWN, GROWSUP, junk */
	return arg_bits(f, PROT_READ | PROT_WRITE | PROT_EXEC) |
	       (rng_one_in(&f->rng, 2) ? PROT_READ | PROT_WRITE : 0);
}

static uint64_t pick_map_flags(struct fz *f)
{
	static const uint64_t types[] = { MAP_PRIVATE, MAP_PRIVATE, MAP_PRIVATE, MAP_SHARED,
					  MAP_SHARED, MAP_SHARED_VALIDATE, 0, 3 };
	uint64_t flags = types[rng_below(&f->rng, 8)];

	if (rng_below(&f->rng, 3))
		flags |= MAP_ANONYMOUS;
	flags |= arg_bits(f, MAP_FIXED | MAP_NORESERVE | MAP_POPULATE | MAP_GROWSDOWN |
			  MAP_STACK | MAP_FIXED_NOREPLACE | MAP_LOCKED) &
		 (rng_one_in(&f->rng, 3) ? ~0ull : ~(uint64_t)(MAP_FIXED | MAP_FIXED_NOREPLACE));
	if (rng_one_in(&f->rng, 32))
		flags |= MAP_HUGETLB | (21ull << 26);
	return flags;
}

static void pick_range(struct fz *f, uint64_t *addr, uint64_t *len);

/* Touch up to n pages of [addr, addr + len): read or write, faults survived. */
static void touch(struct fz *f, uint64_t addr, uint64_t len, int n, int write)
{
	uint64_t pages = len / PAGE < TOUCH_WINDOW ? len / PAGE : TOUCH_WINDOW;
	static volatile char sink __attribute__((unused));

	if (pages == 0 || sigsetjmp(fz_fault_jump, 1))
		return;
	for (int i = 0; i < n; i++) {
		volatile char *p = (volatile char *)(addr + rng_below(&f->rng, pages) * PAGE +
						     rng_below(&f->rng, PAGE));
		fz_fault_armed = 1;
		if (write)
			*p = (char)i;
		else
			sink = *p;
		fz_fault_armed = 0;
	}
}

static void op_mmap(struct fz *f)
{
	uint64_t flags = pick_map_flags(f), prot = pick_prot(f), len = arg_page_len(f);
	uint64_t addr = 0, offset = 0;
	long fd = -1;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		pick_range(f, &addr, &len);	/* over our own mappings, or anywhere */
		if (len == 0 || rng_one_in(&f->rng, 8))
			len = arg_page_len(f) & (f->level > 0 ? ~0ull : PAGE - 1);
	} else if (rng_one_in(&f->rng, 4)) {
		addr = arg_target_addr(f);	/* a hint */
	}
	if (!(flags & MAP_ANONYMOUS) || rng_one_in(&f->rng, 8))
		fd = arg_fd(f);
	if (rng_one_in(&f->rng, 4))
		offset = rng_one_in(&f->rng, 2) ? rng_below(&f->rng, 8) * PAGE : arg_len(f);
	if ((flags & (MAP_SHARED | MAP_SHARED_VALIDATE | MAP_POPULATE | MAP_LOCKED)) &&
	    len < HUGE && len > EAGER_MAX)
		len = EAGER_MAX;
	if ((flags & MAP_POPULATE) && len >= HUGE && !rng_one_in(&f->rng, 8))
		flags &= ~(uint64_t)MAP_POPULATE;	/* all of memory, then death: slow */
	long r = FZ6(SYS_mmap, addr, len, prot, flags, fd, offset);
	if (r < 0 && r > -4096)
		return;
	fz_remember_map(f, (uint64_t)r, (len + PAGE - 1) & ~(PAGE - 1));
	if (prot & PROT_READ)
		touch(f, (uint64_t)r, len, (int)rng_below(&f->rng, 8), (prot & PROT_WRITE) != 0);
}

/* An address and length: one of our mappings (or part of it), or anything. A
 * worker keeps to its mappings or to addresses that cannot be its own. */
static void pick_range(struct fz *f, uint64_t *addr, uint64_t *len)
{
	if (f->nmaps && rng_below(&f->rng, 4)) {
		struct fz_map *m = &f->maps[rng_below(&f->rng, f->nmaps)];
		uint64_t pages = m->len / PAGE;
		uint64_t first = rng_one_in(&f->rng, 2) ? 0 : rng_below(&f->rng, pages + 1);
		uint64_t past = f->level > 0 ? 2 : 1;	/* children may run past the end */
		*addr = m->addr + first * PAGE;
		*len = rng_one_in(&f->rng, 2) ? m->len - first * PAGE
					       : rng_below(&f->rng, pages - first + past) * PAGE;
		if (rng_one_in(&f->rng, 8) && (f->level > 0 || *len >= PAGE))
			*len = f->level > 0 ? *len + rng_below(&f->rng, PAGE)
					    : *len - rng_below(&f->rng, PAGE);
		return;
	}
	if (f->level > 0) {
		*addr = arg_addr(f);
		*len = arg_page_len(f);
		return;
	}
	*addr = arg_target_addr(f);
	*len = (*addr >> 47) ? arg_page_len(f) : rng_below(&f->rng, 3 * PAGE);
}

static void op_munmap(struct fz *f)
{
	uint64_t addr, len;

	pick_range(f, &addr, &len);
	if (FZ2(SYS_munmap, addr, len) == 0)
		fz_forget_map(f, addr, len);
}

static void op_mprotect(struct fz *f)
{
	uint64_t addr, len;

	pick_range(f, &addr, &len);
	FZ3(SYS_mprotect, addr, len, pick_prot(f));
}

static void op_touch(struct fz *f)
{
	if (f->nmaps == 0)
		return;
	struct fz_map *m = &f->maps[rng_below(&f->rng, f->nmaps)];
	touch(f, m->addr, m->len, 1 + (int)rng_below(&f->rng, FZ_TOUCH_MAX),
	      rng_below(&f->rng, 3) != 0);
}

static void op_brk(struct fz *f)
{
	long now = FZ1(SYS_brk, 0);
	uint64_t target;

	switch (rng_below(&f->rng, 5)) {
	case 0: target = (uint64_t)now + rng_below(&f->rng, 64) * PAGE; break;
	case 1: target = (uint64_t)now - rng_below(&f->rng, 64) * PAGE; break;
	case 2: target = (uint64_t)now + rng_below(&f->rng, 3 * PAGE); break;
	case 3: target = (uint64_t)now + arg_len(f); break;
	default: target = arg_addr(f); break;
	}
	long after = FZ1(SYS_brk, target);
	if (after > now && rng_one_in(&f->rng, 2))
		touch(f, (uint64_t)now, (uint64_t)(after - now), 4, 1);
}

static void op_madvise(struct fz *f)
{
	static const long advice[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL,
		MADV_WILLNEED, MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
		MADV_DOFORK, MADV_MERGEABLE, MADV_HUGEPAGE, MADV_WIPEONFORK,
		MADV_KEEPONFORK, 20 /* COLD */, 21 /* PAGEOUT */, 22 /* POPULATE_READ */,
		23 /* POPULATE_WRITE */, -1, 1000 };
	uint64_t addr, len;

	pick_range(f, &addr, &len);
	FZ3(SYS_madvise, addr, len, advice[rng_below(&f->rng, sizeof advice / sizeof *advice)]);
}

static void op_mremap(struct fz *f)
{
	uint64_t addr, len, new_addr = arg_addr(f);
	uint64_t flags = arg_bits(f, MREMAP_MAYMOVE | MREMAP_FIXED | 4 /* DONTUNMAP */);

	pick_range(f, &addr, &len);
	long r = FZ5(SYS_mremap, addr, len, arg_page_len(f), flags, new_addr);
	if (r >= 0 || r <= -4096)
		fz_forget_map(f, addr, len);
}

static void op_msync_mlock(struct fz *f)
{
	uint64_t addr, len;

	pick_range(f, &addr, &len);
	switch (rng_below(&f->rng, 4)) {
	case 0: FZ3(SYS_msync, addr, len, arg_bits(f, MS_ASYNC | MS_SYNC | MS_INVALIDATE)); break;
	case 1: FZ2(SYS_mlock, addr, len); break;
	case 2: FZ2(SYS_munlock, addr, len); break;
	default: FZ3(SYS_mincore, addr, len, arg_user_addr(f)); break;
	}
}

/* Faults on the stack below where it is now: growth, the guard gap, the limit. */
static void op_stack(struct fz *f)
{
	char here;
	uint64_t below = rng_one_in(&f->rng, 4) ? rng_below(&f->rng, 16 << 20)
						  : rng_below(&f->rng, 128 << 10);
	touch(f, ((uint64_t)&here - below - PAGE) & ~(PAGE - 1), PAGE, 1, 1);
}

const struct fz_op fz_mem_ops[] = {
	{ "mmap", 14, op_mmap },
	{ "munmap", 8, op_munmap },
	{ "mprotect", 6, op_mprotect },
	{ "touch", 10, op_touch },
	{ "brk", 4, op_brk },
	{ "madvise", 4, op_madvise },
	{ "mremap", 2, op_mremap },
	{ "msync/mlock", 2, op_msync_mlock },
	{ "stack", 1, op_stack },
	{ 0 },
};
