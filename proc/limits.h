/*
 * proc/limits.h - resource limits (getrlimit/setrlimit/prlimit64).
 *
 * Each process has its own table, copied at fork and kept across exec, as in
 * Linux. The numbers and the defaults are Linux's for a root login.
 */
#ifndef CALF_PROC_LIMITS_H
#define CALF_PROC_LIMITS_H

#include <stdint.h>

#define RLIMIT_CPU		0
#define RLIMIT_FSIZE		1
#define RLIMIT_DATA		2
#define RLIMIT_STACK		3
#define RLIMIT_CORE		4
#define RLIMIT_RSS		5
#define RLIMIT_NPROC		6
#define RLIMIT_NOFILE		7
#define RLIMIT_MEMLOCK		8
#define RLIMIT_AS		9
#define RLIMIT_LOCKS		10
#define RLIMIT_SIGPENDING	11
#define RLIMIT_MSGQUEUE		12
#define RLIMIT_NICE		13
#define RLIMIT_RTPRIO		14
#define RLIMIT_RTTIME		15
#define RLIMIT_NLIMITS		16

#define RLIM_INFINITY		(~0ull)

/* struct rlimit64 of the ABI. */
struct rlimit_k {
	uint64_t current, maximum;
};

/* The limits PID 1 starts with. */
void rlimits_set_defaults(struct rlimit_k limits[RLIMIT_NLIMITS]);

/* The current process's soft limit for resource (the defaults before the first
 * process runs). */
uint64_t rlimit_current(unsigned resource);

#endif
