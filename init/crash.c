/*
 * init/crash.c - deliberate kernel faults. Each is its own non-inlined function so
 * the backtrace in the resulting panic names it.
 */
#include "init/crash.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

#define CRASH_FUNCTION static void __attribute__((noinline))

CRASH_FUNCTION crash_null_pointer(void)
{
	volatile int *nothing = NULL;

	printk("crash: reading through a null pointer\n");
	(void)*nothing;
}

CRASH_FUNCTION crash_write_text(void)
{
	volatile unsigned char *code = (volatile unsigned char *)crash_write_text;

	printk("crash: writing to kernel text at %p\n", (void *)code);
	*code = 0xcc;
}

CRASH_FUNCTION crash_exec_data(void)
{
	static unsigned char data[16] = { 0xc3 };	/* ret, if it ever ran */
	void (*function)(void) = (void (*)(void))(void *)data;

	printk("crash: calling into a data page at %p\n", (void *)data);
	function();
	/* Not a tail call: this function's frame stays on the stack to be named. */
	printk("crash: executed a data page\n");
}

CRASH_FUNCTION crash_invalid_opcode(void)
{
	printk("crash: executing ud2\n");
	__asm__ volatile("ud2");
}

CRASH_FUNCTION crash_divide_by_zero(void)
{
	/* In assembly: the compiler may legally turn a C division by zero into anything. */
	printk("crash: dividing by zero\n");
	__asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; xorl %%edx, %%edx; divl %%ecx"
			 ::: "eax", "ecx", "edx");
}

CRASH_FUNCTION crash_explicit_panic(void)
{
	panic("crash: explicit panic requested on the command line");
}

/* A CPU taking a lock it holds would spin forever: the lock catches it by name. */
CRASH_FUNCTION crash_recursive_lock(void)
{
	static struct spinlock lock = SPINLOCK_INIT("crash_lock");

	printk("crash: taking a spinlock twice\n");
	spin_lock(&lock);
	spin_lock(&lock);
	spin_unlock(&lock);
}

/* Two locks of one level held together: the lock checker of a debug build
 * (kernel/spinlock.h) names both; other builds take them and go on. */
CRASH_FUNCTION crash_lock_order(void)
{
	static struct spinlock first = SPINLOCK_INIT("crash_first");
	static struct spinlock second = SPINLOCK_INIT("crash_second");

	printk("crash: taking two spinlocks of one level\n");
	spin_lock(&first);
	spin_lock(&second);
	spin_unlock(&second);
	spin_unlock(&first);
}

/* A write to a freed kmalloc object: with mm_poison on (set here as the boot option
 * would), the next kmalloc of that size hands the same object out and names it. */
CRASH_FUNCTION crash_object_write_after_free(void)
{
	mm_poison = true;
	volatile char *object = kmalloc(64);

	printk("crash: writing to a freed 64-byte object at %p\n", (void *)object);
	kfree((void *)object);
	object[20] = 1;
	kfree(kmalloc(64));
}

/* The same for a frame: allocating frames until the written one comes up again. */
CRASH_FUNCTION crash_frame_write_after_free(void)
{
	mm_poison = true;
	struct page *page = frame_alloc(PAGE_KERNEL, 0);
	volatile char *bytes = page_address(page);

	printk("crash: writing to a freed frame at %p\n", (void *)bytes);
	frame_put(page);
	bytes[100] = 1;
	while (frame_alloc(PAGE_KERNEL, 0))
		;
}

static const struct {
	const char *kind;
	void (*trigger)(void);
} crashes[] = {
	{ "null", crash_null_pointer },
	{ "write-text", crash_write_text },
	{ "exec-data", crash_exec_data },
	{ "ud", crash_invalid_opcode },
	{ "div0", crash_divide_by_zero },
	{ "panic", crash_explicit_panic },
	{ "spinlock", crash_recursive_lock },
	{ "lock-order", crash_lock_order },
	{ "object-write-after-free", crash_object_write_after_free },
	{ "frame-write-after-free", crash_frame_write_after_free },
};

void crash_trigger(const char *kind)
{
	for (unsigned i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++) {
		if (strcmp(kind, crashes[i].kind) == 0) {
			crashes[i].trigger();
			panic("crash=%s did not crash", kind);
		}
	}
	printk("crash: unknown kind '%s' (null, write-text, exec-data, ud, div0, panic, spinlock, lock-order, object-write-after-free, frame-write-after-free)\n", kind);
}
