/*
 * arch/x86_64/context.c - user-mode register state, SSE state and syscall MSRs.
 */
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "lib/string.h"

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR0_NE (1ul << 5)
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24
#define MXCSR_DEFAULT 0x1f80	/* all SSE exceptions masked, round to nearest */
#define FCW_DEFAULT 0x037f	/* all x87 exceptions masked, extended precision */
#define RFLAGS_RESERVED (1ul << 1)

extern char syscall_entry[];

uint64_t context_prepare_first_run(struct trap_frame *frame)
{
	/* context_switch pops r15, r14, r13, r12, rbx, rbp and returns. */
	uint64_t *stack = (uint64_t *)frame;

	*--stack = (uint64_t)process_first_run;
	for (int i = 0; i < 6; i++)
		*--stack = 0;
	return (uint64_t)stack;
}

void context_init_user_frame(struct trap_frame *frame, uint64_t rip, uint64_t rsp)
{
	memset(frame, 0, sizeof(*frame));
	frame->rip = rip;
	frame->rsp = rsp;
	frame->cs = SEL_USER_CODE;
	frame->ss = SEL_USER_DATA;
	frame->rflags = RFLAGS_IF | RFLAGS_RESERVED;
}

void fpu_init_state(uint8_t *state)
{
	memset(state, 0, FPU_STATE_SIZE);
	*(uint16_t *)(state + FXSAVE_FCW) = FCW_DEFAULT;
	*(uint32_t *)(state + FXSAVE_MXCSR) = MXCSR_DEFAULT;
}

void fpu_save(uint8_t *state)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(state) : "memory");
}

void fpu_restore(const uint8_t *state)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(state) : "memory");
}

void context_set_fs_base(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

void syscall_init(void)
{
	/* SSE for user programs: no emulation, no lazy switching. x87 errors raise #MF
	 * (a SIGFPE, as on Linux), not the PC's legacy FERR# line. */
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* STAR: syscall loads CS=0x10/SS=0x18; sysret would load CS=0x33/SS=0x2b. */
	wrmsr(MSR_STAR, ((uint64_t)(SEL_USER32_CODE & ~3) << 48) |
			((uint64_t)SEL_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Enter with interrupts off, direction flag clear, no alignment checks, no
	 * trap flag: the entry code needs a few instructions before it can cope. */
	wrmsr(MSR_SFMASK, RFLAGS_IF | (1ul << 10) | RFLAGS_AC | (1ul << 8));
}
