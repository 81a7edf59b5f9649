/*
 * tests/host/mm_host.c - the simulated machine under the mm/ host tests
 * (see mm_host.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/host/mm_host.h"
#include "mm/frame.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#define ARENA_JUNK 0x6b		/* what never-written "physical memory" holds */
#define MAX_HELD_LOCKS 16

static char *arena;
static uint64_t arena_size;
static struct page *page_array;
static size_t page_count;

static unsigned fail_countdown;	/* 0: off; else the allocation that fails, counting down */
static bool fail_every;
static unsigned failures;

static char panic_message[512];
static unsigned panic_count;

static struct spinlock *held[MAX_HELD_LOCKS];
static unsigned nheld;

/* ------------------------------------------------------------ the machine */

void mm_host_shutdown(void)
{
	if (arena) {
		mm_host_unpoison(arena, arena_size);
		free(arena);
	}
	free(page_array);
	arena = NULL;
	arena_size = 0;
	page_array = NULL;
	page_count = 0;
}

/*
 * A panic caught by a test leaves the locks its caller held; the kernel would have
 * stopped, but the simulated one goes on to the next test, so they are dropped here.
 */
static void release_held_locks(void)
{
	while (nheld > 0)
		held[--nheld]->holder = NULL;
}

struct page *mm_host_boot(uint64_t size, const struct mm_host_range *ranges, size_t n)
{
	mm_host_shutdown();
	release_held_locks();
	fail_countdown = 0;
	fail_every = false;
	failures = 0;
	panic_message[0] = '\0';
	panic_count = 0;
	mm_host_cpu = 0;
	mm_host_several_cpus = false;
	mm_host_shootdowns = (struct mm_host_shootdown){ 0 };

	arena_size = (size + PAGE_SIZE - 1) & PAGE_MASK;
	arena = aligned_alloc(PAGE_SIZE, arena_size);
	page_count = arena_size / PAGE_SIZE;
	page_array = calloc(page_count, sizeof(*page_array));
	if (!arena || !page_array) {
		fprintf(stderr, "mm_host_boot: out of host memory\n");
		abort();
	}
	memset(arena, ARENA_JUNK, arena_size);
	/* Physical page 0 plays the kernel's top-level page table: it maps nothing. */
	memset(arena, 0, PAGE_SIZE);

	frames_init(page_array, page_count);
	for (size_t i = 0; i < n; i++)
		frames_release(ranges[i].start, ranges[i].end);
	return page_array;
}

void *mm_host_arena(void)
{
	return arena;
}

uint64_t mm_host_arena_size(void)
{
	return arena_size;
}

size_t mm_host_page_count(void)
{
	return page_count;
}

void *phys_to_virt(uint64_t phys)
{
	return (void *)((uintptr_t)arena + phys);
}

/* Anything below the arena wraps to a huge address, past every struct page. */
uint64_t virt_to_phys(const void *virt)
{
	return (uintptr_t)virt - (uintptr_t)arena;
}

/* ------------------------------------------------------------ failure injection */

void mm_host_fail_nth(unsigned n)
{
	fail_countdown = n;
}

void mm_host_fail_all(bool on)
{
	fail_every = on;
}

unsigned mm_host_injected_failures(void)
{
	return failures;
}

bool mm_host_inject_failure(void)
{
	bool fail = fail_every;

	if (fail_countdown > 0 && --fail_countdown == 0)
		fail = true;
	if (fail)
		failures++;
	return fail;
}

/* ------------------------------------------------------------ printk and panic */

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintf(fmt, args);
	va_end(args);
	fflush(stdout);
	return n;
}

void printk_set_sink(void (*write)(const char *bytes, unsigned long len))
{
	(void)write;
}

const char *mm_host_last_panic(void)
{
	return panic_message;
}

unsigned mm_host_panics(void)
{
	return panic_count;
}

/*
 * The message is kept in panic_message (cmocka keeps a pointer to it as the failed
 * "expression"), printed, and reported through mock_assert: inside
 * expect_assert_failure() that jumps back to the test, anywhere else it fails the
 * test. Formatting goes through a memory FILE because vsnprintf is renamed to calf's
 * own (calf_names.h), which these tests do not link.
 */
void panic(const char *fmt, ...)
{
	va_list args;
	FILE *out = fmemopen(panic_message, sizeof(panic_message), "w");

	if (out) {
		va_start(args, fmt);
		vfprintf(out, fmt, args);
		va_end(args);
		fclose(out);
	}
	panic_message[sizeof(panic_message) - 1] = '\0';
	panic_count++;
	printf("panic: %s\n", panic_message);
	fflush(stdout);

	release_held_locks();
	mock_assert(0, panic_message, "panic", 0);
	abort();	/* mock_assert(0, ...) never returns */
}

/* ------------------------------------------------------------ spinlocks */

void spin_lock(struct spinlock *lock)
{
	if (lock->holder)
		panic("spinlock %s: acquired twice", lock->name);
	if (nheld == MAX_HELD_LOCKS)
		panic("spinlock %s: more than %d locks held", lock->name, MAX_HELD_LOCKS);
	lock->holder = lock;	/* the host is one CPU: any non-NULL mark */
	held[nheld++] = lock;
}

void spin_unlock(struct spinlock *lock)
{
	unsigned i;

	if (!lock->holder)
		panic("spinlock %s: released while not held", lock->name);
	lock->holder = NULL;
	for (i = 0; i < nheld && held[i] != lock; i++)
		;
	if (i < nheld)
		held[i] = held[--nheld];
}

bool spin_is_held(const struct spinlock *lock)
{
	return lock->holder != NULL;
}

/* One CPU: the interrupt state is not modelled, so these are the plain ones. */
void spin_lock_keep_irqs(struct spinlock *lock)
{
	spin_lock(lock);
}

bool spin_trylock_keep_irqs(struct spinlock *lock)
{
	if (lock->holder)
		return false;
	spin_lock(lock);
	return true;
}

void spin_unlock_keep_irqs(struct spinlock *lock)
{
	spin_unlock(lock);
}

unsigned mm_host_locks_held(void)
{
	return nheld;
}

/* ------------------------------------------------------------ poisoning */

void mm_host_poison(const void *addr, size_t len)
{
#ifdef __SANITIZE_ADDRESS__
	__asan_poison_memory_region(addr, len);
#else
	(void)addr;
	(void)len;
#endif
}

void mm_host_unpoison(const void *addr, size_t len)
{
#ifdef __SANITIZE_ADDRESS__
	__asan_unpoison_memory_region(addr, len);
#else
	(void)addr;
	(void)len;
#endif
}

/* ------------------------------------------------------------------ page tables */

unsigned mm_host_cpu;
struct mm_host_shootdown mm_host_shootdowns;
static uint64_t active_root;
static unsigned tlb_flushes;

uint64_t hw_kernel_root(void)
{
	return 0;
}

uint64_t hw_active_root(void)
{
	return active_root;
}

void hw_activate(uint64_t root)
{
	active_root = root;
	tlb_flushes++;
}

void hw_flush_page(uint64_t address)
{
	(void)address;
	tlb_flushes++;
}

void hw_flush_all(void)
{
	tlb_flushes++;
}




bool mm_host_several_cpus;

bool hw_several_cpus(void)
{
	return mm_host_several_cpus;
}

unsigned hw_cpu_id(void)
{
	return mm_host_cpu;
}

void (*mm_host_on_shootdown)(void);

void hw_flush_remote(uint64_t cpus, uint64_t start, uint64_t end)
{
	if (mm_host_on_shootdown)
		mm_host_on_shootdown();
	mm_host_shootdowns.count++;
	mm_host_shootdowns.cpus = cpus;
	mm_host_shootdowns.start = start;
	mm_host_shootdowns.end = end;
}

unsigned mm_host_tlb_flushes(void)
{
	return tlb_flushes;
}
