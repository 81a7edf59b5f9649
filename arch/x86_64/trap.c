/*
 * arch/x86_64/trap.c - what happens after entry.S: exceptions and interrupts.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/irq_controller.h"
#include "arch/x86_64/power.h"
#include "lib/format.h"

static irq_handler_t irq_handlers[IRQ_COUNT];
static fault_handler_t page_fault_handler, user_fault_fast_path;
static user_exception_handler_t user_exception_handler;
static void (*return_to_user_hook)(struct trap_frame *frame);
static void nothing(void) {}
static void nothing_to_user(bool to_user) { (void)to_user; }
static void (*enter_hook)(void) = nothing;
static void (*exit_hook)(bool to_user) = nothing_to_user;
static fatal_handler_t fatal_handler;
static uint64_t unexpected_vectors;

struct extable_entry {
	uint64_t instruction, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

uint64_t extable_fixup(uint64_t rip)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->instruction == rip)
			return e->fixup;
	return 0;
}

void trap_set_page_fault_handler(fault_handler_t handler)
{
	page_fault_handler = handler;
}

void trap_set_user_fault_fast_path(fault_handler_t handler)
{
	user_fault_fast_path = handler;
}

void trap_set_user_exception_handler(user_exception_handler_t handler)
{
	user_exception_handler = handler;
}

void trap_set_return_to_user_hook(void (*hook)(struct trap_frame *frame))
{
	return_to_user_hook = hook;
}

void trap_set_kernel_entry_hooks(void (*enter)(void), void (*exit)(bool to_user))
{
	enter_hook = enter;
	exit_hook = exit;
}

void trap_set_fatal_handler(fatal_handler_t handler)
{
	fatal_handler = handler;
}

void arch_fatal(const struct trap_frame *frame, const char *fmt, ...)
{
	char reason[160];
	va_list args;

	va_start(args, fmt);
	vsnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	if (fatal_handler)
		fatal_handler(frame, reason);
	machine_exit(EXIT_STATUS_PANIC);
}

uint64_t trap_unexpected_vectors(void)
{
	return unexpected_vectors;
}
static uint64_t irq_counts[IRQ_COUNT];

static const char *const exception_names[32] = {
	"divide error", "debug", "non-maskable interrupt", "breakpoint",
	"overflow", "bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection fault",
	"page fault", "reserved (15)", "x87 floating-point error", "alignment check",
	"machine check", "SIMD floating-point error", "virtualization exception",
	"control protection exception", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"hypervisor injection", "VMM communication", "security exception",
	"reserved (31)",
};

const char *trap_name(uint64_t vector)
{
	return vector < 32 ? exception_names[vector] : "interrupt";
}

void irq_register(unsigned irq, irq_handler_t handler)
{
	if (irq >= IRQ_COUNT)
		arch_fatal(NULL, "irq_register: no IRQ line %u", irq);
	irq_handlers[irq] = handler;
	irq_line_unmask(irq);
}

uint64_t irq_count(unsigned irq)
{
	return irq < IRQ_COUNT ? irq_counts[irq] : 0;
}

/* A page fault the kernel cannot explain: say exactly what was touched, and how. */
static void __attribute__((noreturn)) report_page_fault(struct trap_frame *f)
{
	uint64_t address = read_cr2();
	uint64_t code = f->error_code;

	arch_fatal(f, "page fault at address %016lx: %s %s in %s mode%s%s",
		   address,
		   code & PF_FETCH ? "instruction fetch" : code & PF_WRITE ? "write" : "read",
		   code & PF_PRESENT ? "violating protection" : "of a non-present page",
		   code & PF_USER ? "user" : "kernel",
		   code & PF_RESERVED ? ", reserved bit set" : "",
		   address < 4096 ? " (null pointer dereference)" : "");
}

static void handle_exception(struct trap_frame *f)
{
	if (f->vector == VECTOR_PAGE_FAULT) {
		if (page_fault_handler && page_fault_handler(f, read_cr2()))
			return;
		report_page_fault(f);
	}
	if ((f->cs & 3) && user_exception_handler) {
		user_exception_handler(f);
		return;
	}
	arch_fatal(f, "%s (vector %lu, error code %#lx) in %s mode", trap_name(f->vector),
		   f->vector, f->error_code, (f->cs & 3) ? "user" : "kernel");
}

static void handle_irq(struct trap_frame *f)
{
	unsigned irq = f->vector - VECTOR_IRQ_BASE;

	if (irq_line_is_spurious(irq))
		return;
	irq_counts[irq]++;
	/* Acknowledge first, so a handler that switches tasks leaves the controller open. */
	irq_line_end_of_interrupt(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](f);
}

/*
 * TLB and call requests are served at once, without the kernel lock (their
 * senders hold it and wait); everything else runs between the entry hooks.
 */
void trap_dispatch(struct trap_frame *frame)
{
	/* First, and without the per-CPU area: an NMI may land anywhere, even where
	 * %gs is still the user's (the first instruction of the system call entry). */
	if (frame->vector == VECTOR_NMI) {
		ipi_nmi(frame);
		return;
	}
	if (ipi_is_vector(frame->vector)) {
		ipi_dispatch(frame);
		return;
	}
	if (frame->vector == VECTOR_PAGE_FAULT && (frame->cs & 3) && user_fault_fast_path &&
	    user_fault_fast_path(frame, read_cr2()))
		return;
	enter_hook();
	if (frame->vector < 32)
		handle_exception(frame);
	else if (frame->vector < VECTOR_IRQ_BASE + IRQ_COUNT)
		handle_irq(frame);
	else if (frame->vector == VECTOR_LOCAL_TIMER)
		timer_local_interrupt(frame);
	else if (frame->vector == VECTOR_IPI_WAKE)
		lapic_end_of_interrupt();	/* waking was the point */
	else
		unexpected_vectors++;
	if ((frame->cs & 3) && return_to_user_hook)
		return_to_user_hook(frame);
	irq_disable();
	exit_hook(frame->cs & 3);
}
