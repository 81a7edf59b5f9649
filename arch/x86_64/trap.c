/*
 * arch/x86_64/trap.c - what happens after entry.S: exceptions and interrupts.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "lib/ksyms.h"

static irq_handler_t irq_handlers[IRQ_COUNT];
static fault_handler_t page_fault_handler;
static user_exception_handler_t user_exception_handler;
static void (*return_to_user_hook)(struct trap_frame *frame);

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

void trap_set_user_exception_handler(user_exception_handler_t handler)
{
	user_exception_handler = handler;
}

void trap_set_return_to_user_hook(void (*hook)(struct trap_frame *frame))
{
	return_to_user_hook = hook;
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
		panic("irq_register: no IRQ line %u", irq);
	irq_handlers[irq] = handler;
	pic_unmask(irq);
}

uint64_t irq_count(unsigned irq)
{
	return irq < IRQ_COUNT ? irq_counts[irq] : 0;
}

void trap_print_registers(const struct trap_frame *f)
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

/* A page fault the kernel cannot explain: say exactly what was touched, and how. */
static void __attribute__((noreturn)) report_page_fault(struct trap_frame *f)
{
	uint64_t address = read_cr2();
	uint64_t code = f->error_code;

	panic_trap(f, "page fault at address %016lx: %s %s in %s mode%s%s",
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
	panic_trap(f, "%s (vector %lu, error code %#lx) in %s mode", trap_name(f->vector),
		   f->vector, f->error_code, (f->cs & 3) ? "user" : "kernel");
}

static void handle_irq(struct trap_frame *f)
{
	unsigned irq = f->vector - VECTOR_IRQ_BASE;

	if (pic_is_spurious(irq))
		return;
	irq_counts[irq]++;
	/* Acknowledge first, so a handler that switches tasks leaves the PIC open. */
	pic_end_of_interrupt(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](f);
}

void trap_dispatch(struct trap_frame *frame)
{
	if (frame->vector < 32)
		handle_exception(frame);
	else if (frame->vector < VECTOR_IRQ_BASE + IRQ_COUNT)
		handle_irq(frame);
	else
		printk("trap: unexpected vector %lu\n", frame->vector);
	if ((frame->cs & 3) && return_to_user_hook)
		return_to_user_hook(frame);
}
