/*
 * kernel/panic.c - reporting a broken kernel invariant and stopping.
 */
#include <stdarg.h>
#include <stdbool.h>
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/ksyms.h"
#include "kernel/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/trap.h"

static bool panicking;
static void (*panic_hook)(void);

void panic_set_hook(void (*hook)(void))
{
	panic_hook = hook;
}

/*
 * Interrupts off, printk unlocked, and protection against a panic inside the panic
 * report itself (a corrupt stack walked by the backtrace, say): the second one stops
 * the machine at once.
 */
static void begin(void)
{
	irq_disable();
	if (panicking) {
		printk("\n*** panic while panicking; stopping\n");
		machine_exit(EXIT_STATUS_PANIC);
	}
	panicking = true;
	printk_panic_mode();
}

static void __attribute__((noreturn)) finish(void)
{
	printk("--- end of panic report ---\n");
	if (panic_hook)
		panic_hook();
	machine_exit(EXIT_STATUS_PANIC);
}

static void print_reason(const char *fmt, va_list args)
{
	char reason[PRINTK_MAX - 16];

	vsnprintf(reason, sizeof(reason), fmt, args);
	printk("\n*** kernel panic: %s\n", reason);
}

void panic(const char *fmt, ...)
{
	va_list args;
	uint64_t rbp, rsp;

	begin();
	va_start(args, fmt);
	print_reason(fmt, args);
	va_end(args);

	/* The registers that matter here: where panic was called from, and its stack. */
	uint64_t caller = (uint64_t)__builtin_return_address(0);
	char symbol[KSYMS_NAME_MAX + 32];
	__asm__ volatile("movq %%rbp, %0; movq %%rsp, %1" : "=r"(rbp), "=r"(rsp));
	ksyms_describe_return(caller, symbol, sizeof(symbol));
	printk("RIP: %04x:%016lx %s (the caller of panic)\n", 0x10, caller, symbol);
	printk("RSP: %016lx RBP: %016lx\n", rsp, rbp);
	printk("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
	backtrace_print(caller, *(uint64_t *)rbp);
	finish();
}

static void print_trap_registers(const struct trap_frame *f)
{
	char symbol[KSYMS_NAME_MAX + 32];

	ksyms_describe(f->rip, symbol, sizeof(symbol));
	printk("RIP: %04lx:%016lx %s\n", f->cs, f->rip, symbol);
	printk("RSP: %04lx:%016lx RFLAGS: %08lx\n", f->ss, f->rsp, f->rflags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", f->rax, f->rbx, f->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", f->rdx, f->rsi, f->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", f->rbp, f->r8, f->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", f->r10, f->r11, f->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", f->r13, f->r14, f->r15);
	printk("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

void panic_trap(const struct trap_frame *frame, const char *fmt, ...)
{
	va_list args;

	begin();
	va_start(args, fmt);
	print_reason(fmt, args);
	va_end(args);
	print_trap_registers(frame);
	backtrace_print_trap(frame->rip, frame->rsp, frame->rbp);
	finish();
}

/* arch/ reports what it cannot handle through this: a fault with its frame, or a
 * broken boot-time invariant without one. */
static void report_arch_fatal(const struct trap_frame *frame, const char *reason)
{
	if (frame)
		panic_trap(frame, "%s", reason);
	panic("%s", reason);
}

void panic_init(void)
{
	trap_set_fatal_handler(report_arch_fatal);
}
