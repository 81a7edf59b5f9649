/*
 * init/crash.h - deliberate kernel faults, to see and test the panic report.
 *
 * `crash=<kind>` on the command line triggers one right after boot. Each kind breaks
 * a different protection: null (read through a null pointer), write-text (write to
 * the kernel's own code: W^X), exec-data (jump into a data page: NX), ud (invalid
 * opcode), div0 (divide by zero), panic (an explicit panic call), spinlock (a lock
 * taken twice on one CPU: the lock names itself).
 */
#ifndef CALF_INIT_CRASH_H
#define CALF_INIT_CRASH_H

/* Returns only for an unknown kind (after saying so). */
void crash_trigger(const char *kind);

#endif
