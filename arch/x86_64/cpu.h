/*
 * arch/x86_64/cpu.h - single instructions the rest of the kernel needs: port I/O,
 * model-specific registers, control registers, interrupt flag, CPUID.
 */
#ifndef CALF_ARCH_CPU_H
#define CALF_ARCH_CPU_H

#include <stdint.h>
#include <stdbool.h>

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define EFER_SCE	(1ul << 0)
#define EFER_NXE	(1ul << 11)
#define CR0_WP		(1ul << 16)
#define CR4_PGE		(1ul << 7)
#define CR4_OSFXSR	(1ul << 9)
#define CR4_OSXMMEXCPT	(1ul << 10)
#define CR4_SMEP	(1ul << 20)
#define CR4_SMAP	(1ul << 21)
#define RFLAGS_TF	(1ul << 8)	/* trap after each instruction (single step) */
#define RFLAGS_IF	(1ul << 9)
#define RFLAGS_AC	(1ul << 18)

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

/* The time-stamp counter: cheap to read, for measuring short intervals against
 * each other (its rate is not calibrated here). */
static inline uint64_t rdtsc(void)
{
	uint32_t low, high;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t low, high;

	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((uint64_t)high << 32) | low;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
}

#define DEFINE_CR_ACCESS(n) \
	static inline uint64_t read_cr##n(void) \
	{ \
		uint64_t value; \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(value)); \
		return value; \
	} \
	static inline void write_cr##n(uint64_t value) \
	{ \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(value) : "memory"); \
	}
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

static inline uint64_t read_rflags(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags;
}

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline bool irq_enabled(void) { return read_rflags() & RFLAGS_IF; }

/* Disable interrupts and return the previous RFLAGS for irq_restore. */
static inline uint64_t irq_save(void)
{
	uint64_t flags = read_rflags();

	irq_disable();
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

/* Wait for the next interrupt with interrupts enabled (no lost wake-up). */
static inline void cpu_idle(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause"); }

static inline void invlpg(uint64_t addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Features calf uses, read once by cpu_init. */
struct cpu_features {
	bool smep, smap, pdpe1gb, nx, fxsr, xsave;
	char vendor[13];
};
extern struct cpu_features cpu_features;

/* Read CPUID and switch on the protections calf relies on (NXE, WP, SMEP, SMAP). */
void cpu_init(void);

/* Only the second half, for the other CPUs (the features are read once). */
void cpu_enable_protections(void);

/*
 * SMAP: user pages are off limits to the kernel except between these two calls,
 * which only the user-access routines make. No-ops when the CPU lacks SMAP.
 */
void user_access_begin(void);
void user_access_end(void);

#endif
