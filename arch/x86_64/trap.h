/*
 * arch/x86_64/trap.h - interrupts and exceptions.
 *
 * Every vector enters through a stub in entry.S that saves the general registers
 * into a struct trap_frame on the current kernel stack and calls trap_dispatch.
 * CPU exceptions in the kernel are reported precisely and panic; hardware
 * interrupts go to the handler registered for their IRQ line.
 */
#ifndef CALF_ARCH_TRAP_H
#define CALF_ARCH_TRAP_H

#include <stdint.h>
#include <stdbool.h>

/* Layout shared with entry.S: lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VECTOR_NMI		2
#define VECTOR_PAGE_FAULT	14
#define VECTOR_DOUBLE_FAULT	8
#define VECTOR_IRQ_BASE		32	/* PIC lines 0..15 land on 32..47 */
#define IRQ_COUNT		16

#define IRQ_TIMER	0
#define IRQ_COM2	3
#define IRQ_COM1	4

/* Page-fault error code bits. */
#define PF_PRESENT	(1u << 0)
#define PF_WRITE	(1u << 1)
#define PF_USER		(1u << 2)
#define PF_RESERVED	(1u << 3)
#define PF_FETCH	(1u << 4)

/*
 * Exceptions that are not kernel bugs go to handlers proc/ registers: page faults
 * (user or kernel mode: the handler resolves them, fixes up a user access, or
 * signals) and every other exception raised in user mode (a signal). A handler
 * that returns false declares the fault a kernel bug, and the kernel panics.
 */
typedef bool (*fault_handler_t)(struct trap_frame *frame, uint64_t address);
void trap_set_page_fault_handler(fault_handler_t handler);
/*
 * A page fault from user mode first goes to this handler, before the kernel entry
 * hook (the kernel lock) is run: true when it resolved the fault alone, and the
 * program goes straight back, with nothing else done on the way (a signal or a
 * reschedule due meanwhile waits for its own interrupt, which is pending, since
 * the handler runs with interrupts off); false sends the fault the usual way.
 */
void trap_set_user_fault_fast_path(fault_handler_t handler);
typedef void (*user_exception_handler_t)(struct trap_frame *frame);
void trap_set_user_exception_handler(user_exception_handler_t handler);

/* Called after every trap from user mode, before returning there (signals,
 * rescheduling). Set by proc/. */
void trap_set_return_to_user_hook(void (*hook)(struct trap_frame *frame));
/* Called around the handling of every trap but the TLB and call IPIs (the kernel
 * lock); exit with interrupts off, after the return-to-user hook. */
void trap_set_kernel_entry_hooks(void (*enter)(void), void (*exit)(bool to_user));

/* The fixup address for a faulting kernel instruction, or 0 (see uaccess.S). */
uint64_t extable_fixup(uint64_t rip);

/* Load the IDT. Interrupts stay disabled until the caller enables them. */
void idt_init(void);

/* Load the IDT idt_init built on this CPU (the other CPUs, as they start). */
void idt_load(void);

typedef void (*irq_handler_t)(struct trap_frame *frame);
void irq_register(unsigned irq, irq_handler_t handler);

/* Called from entry.S only. */
void trap_dispatch(struct trap_frame *frame);

/*
 * What arch/ cannot handle is a kernel bug, reported by the layer above (kernel/
 * panic.c registers itself before anything can go wrong): a fault nobody claimed,
 * with its frame, or a broken boot-time invariant, with frame NULL. arch_fatal
 * formats the reason and calls that handler; before one is registered it stops the
 * machine with EXIT_STATUS_PANIC, since arch/ has no log of its own.
 */
typedef void (*fatal_handler_t)(const struct trap_frame *frame, const char *reason);
void trap_set_fatal_handler(fatal_handler_t handler);
__attribute__((noreturn, format(printf, 2, 3)))
void arch_fatal(const struct trap_frame *frame, const char *fmt, ...);

/* Interrupt vectors that arrived with no handler at all (none should). */
uint64_t trap_unexpected_vectors(void);

/* Human name of an exception vector ("page fault"), or "interrupt". */
const char *trap_name(uint64_t vector);

/* Hardware interrupts handled since boot, per IRQ line (for /proc/interrupts). */
uint64_t irq_count(unsigned irq);

#endif
