/*
 * fs/needs.h - what fs/ needs from other parts of the kernel that they do not
 * declare yet. Each is a weak reference, so the kernel links (and fs/ falls back to
 * a sensible default) until the owner provides it.
 */
#ifndef CALF_FS_NEEDS_H
#define CALF_FS_NEEDS_H

#include <stdint.h>

/*
 * The current process's soft limit for resource (RLIMIT_NOFILE = 7), as
 * getrlimit(2) would report it. fs/ uses it to cap descriptor numbers (dup and
 * open give EMFILE, F_DUPFD past it EINVAL). Wanted from syscall/system.c, which
 * keeps the limits. Without it fs/ assumes 1024.
 */
extern uint64_t rlimit_current(unsigned resource) __attribute__((weak));

#endif
