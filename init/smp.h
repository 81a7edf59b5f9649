/*
 * init/smp.h - bringing up every CPU the firmware lists (docs/smp.md).
 *
 * smp_init reads the MADT, enables the boot CPU's local APIC, starts each other
 * CPU with the memory it needs and leaves it parked, and logs the result
 * ("smp: 4 CPUs online (APIC ids 0 1 2 3)"). Missing or broken tables, or a CPU
 * that does not answer, cost CPUs, never the boot.
 */
#ifndef CALF_INIT_SMP_H
#define CALF_INIT_SMP_H

#include <stdbool.h>

/* Call with interrupts enabled (the PIT clock times the start-up delays), after
 * memory_init. */
void smp_init(void);

/* Whether the trampoline's temporary page tables are still allocated (they are
 * freed before smp_init returns). */
bool smp_boot_tables_held(void);

/* CPUs the MADT listed as enabled, 1 when it could not be read. */
unsigned smp_cpus_listed(void);

#endif
