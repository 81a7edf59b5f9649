/*
 * arch/x86_64/smp.h - starting the other CPUs (application processors, APs) and
 * keeping track of which are online. docs/smp.md tells the whole story.
 *
 * The mechanism is here; the caller (init/smp.c) decides which APIC ids to start
 * and supplies the memory: the three temporary page-table frames the trampoline
 * needs, and one struct ap_memory per AP. An AP that comes online sets up its own
 * GDT, TSS, IDT, %gs area, control registers, syscall MSRs and local APIC, marks
 * itself online, and idles (interrupts on, hlt) answering IPIs (arch/x86_64/ipi.h)
 * until a later step gives it work.
 */
#ifndef CALF_ARCH_SMP_H
#define CALF_ARCH_SMP_H

/*
 * The real-mode trampoline lives at this physical address, one page (a STARTUP IPI
 * names a page below 1 MiB). The frame is never handed out because mm/boot_memory.c
 * keeps the whole first MiB (LOW_MEMORY_END) out of the frame allocator.
 */
#define TRAMPOLINE_PHYS		0x8000

/* Offsets in the trampoline's parameter block (trampoline_params in trampoline.S). */
#define TP_TEMP_CR3		0	/* 32 bits: the temporary top-level table */
#define TP_KERNEL_CR3		8	/* the kernel's own, loaded in the higher half */
#define TP_STACK_TOP		16	/* the AP's kernel stack */
#define TP_ARGUMENT		24	/* its struct ap_memory, smp_ap_main's argument */
#define TP_SIZE			32

#define SMP_MAX_CPUS		64	/* one bit each in the online mask */
#define AP_STACK_SIZE		16384

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"

/* Everything one AP owns; the caller allocates it zeroed and keeps it while the
 * AP lives. */
struct ap_memory {
	uint8_t stack[AP_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t double_fault_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t nmi_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
	struct cpu cpu;
	struct cpu_tables tables;
};

/*
 * Physical addresses of three zeroed frames below 4 GiB (the trampoline loads CR3
 * in 32-bit mode): a top-level table that copies the kernel half of the kernel's
 * and adds, in slot 0, an identity map of physical 0..2 MiB through pdpt and pd,
 * so the instructions right after paging turns on exist.
 */
struct smp_boot_tables {
	uint64_t pml4, pdpt, pd;
};

/* Record the boot CPU (id 0, with its APIC id) as online. */
void smp_boot_cpu_online(uint32_t apic_id);

/* Build the temporary tables and copy the trampoline to TRAMPOLINE_PHYS. */
void smp_install_trampoline(const struct smp_boot_tables *tables);

/* Forget the temporary tables (after every AP has left them); the caller frees
 * their frames. */
void smp_remove_trampoline(void);

/* The temporary top level the trampoline would load, 0 once removed. */
uint64_t smp_trampoline_cr3(void);

enum ap_start_result {
	AP_ONLINE,
	AP_IPI_NOT_SENT,	/* the local APIC did not send INIT or STARTUP */
	AP_NO_ANSWER,		/* not online within AP_START_TIMEOUT_MS; sent INIT again */
};
#define AP_START_TIMEOUT_MS 1000

/*
 * INIT, STARTUP, STARTUP to apic_id, then wait until that AP marks itself online
 * as CPU id (1 <= id < SMP_MAX_CPUS). One AP at a time: the trampoline has one
 * parameter block. An AP that does not answer is sent INIT again, so it is back
 * in wait-for-startup and no longer touches memory: the caller may free *memory.
 */
enum ap_start_result smp_start_ap(unsigned id, uint32_t apic_id, struct ap_memory *memory);

/*
 * Set (once, for good) when the first AP comes online, which is during boot before
 * any user address space exists: mm/tlb.c keeps CPU masks and sends shootdowns
 * only then, so one CPU pays nothing for them.
 */
extern bool smp_several_cpus;

/* Bit n set: CPU id n is online. */
uint64_t smp_online_mask(void);
unsigned smp_cpus_online(void);

/* CPU id's per-CPU area, or NULL when it is not online. */
struct cpu *smp_cpu(unsigned id);

/* Make every parked AP call entry (which does not return), on its own stack. */
void smp_release_aps(void (*entry)(void));

/* Where the trampoline ends up, on the AP's own stack (trampoline.S). */
void __attribute__((noreturn)) smp_ap_main(struct ap_memory *memory);
#endif

#endif
