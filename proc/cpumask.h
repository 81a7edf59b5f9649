/*
 * proc/cpumask.h - masks of CPUs as Linux sizes and prints them: the affinity
 * calls' size rules and /proc/<pid>/status's Cpus_allowed lines.
 *
 * A mask is a uint64_t, bit n for CPU n (calf starts at most SMP_MAX_CPUS = 64).
 */
#ifndef CALF_PROC_CPUMASK_H
#define CALF_PROC_CPUMASK_H

#include <stddef.h>
#include <stdint.h>

/* Linux's cpumask_size(): the bytes of a mask the affinity calls copy. */
#define CPUMASK_BYTES sizeof(uint64_t)

/* Linux's nr_cpu_ids: one past the highest CPU number there can be. calf numbers
 * the CPUs that came online densely from 0 and starts no others later, so it is
 * the number online. */
unsigned cpumask_ids(void);

/* "%*pb": hex in groups of 32 bits, the first group only as wide as its bits
 * below cpumask_ids() need ("f" for 4 CPUs, "ff,ffffffff" for 40). Like snprintf. */
int cpumask_format_hex(char *buf, size_t size, uint64_t mask);

/* "%*pbl": ranges, "0-3" or "0,2-5"; "" for no CPU. Like snprintf. */
int cpumask_format_list(char *buf, size_t size, uint64_t mask);

#endif
