/*
 * arch/x86_64/context.h - what proc/ needs to run processes on x86-64: kernel
 * stack switching, the first entry of a new process, the user-mode register state
 * (trap frame), SSE state, the TLS base, and the syscall MSRs.
 */
#ifndef CALF_ARCH_CONTEXT_H
#define CALF_ARCH_CONTEXT_H

#include <stdint.h>
#include "arch/x86_64/trap.h"

#define SYSCALL_VECTOR 0x100	/* trap_frame.vector of a system call */
#define FPU_STATE_SIZE 512	/* FXSAVE area */

/* Save callee-saved registers and rsp into *save_rsp, switch to load_rsp. */
void context_switch(uint64_t *save_rsp, uint64_t load_rsp);

/* Where a new process's prepared kernel stack returns to (see switch.S). */
void process_first_run(void);

/* Called by process_first_run on the new process's stack; defined by proc/. */
void process_first_run_tail(void);

/*
 * Prepare kernel stack top (the frame sits just below it) so that switching to the
 * returned rsp enters process_first_run and then user mode with *frame's registers.
 */
uint64_t context_prepare_first_run(struct trap_frame *frame);

/* A trap frame that enters user mode at rip with stack rsp, interrupts on. */
void context_init_user_frame(struct trap_frame *frame, uint64_t rip, uint64_t rsp);

/* SSE/x87 state: a clean initial image, save and restore. */
void fpu_init_state(uint8_t *state);
void fpu_save(uint8_t *state);
void fpu_restore(const uint8_t *state);

/* The TLS base (FS) of the running process. */
void context_set_fs_base(uint64_t base);

/* Program the syscall/sysret MSRs to enter at syscall_entry. */
void syscall_init(void);

#endif
