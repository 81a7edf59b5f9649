/*
 * proc/procmem.h - the read_at generators of /proc/PID/pagemap, /proc/kpagecount
 * and /proc/kpageflags (fs/procfs.h), for proc/procinfo.c's tables.
 */
#ifndef CALF_PROC_PROCMEM_H
#define CALF_PROC_PROCMEM_H

#include <stddef.h>
#include <stdint.h>

long procmem_read_pagemap(int pid, void *kbuf, size_t n, uint64_t offset);
long procmem_read_kpagecount(int pid, void *kbuf, size_t n, uint64_t offset);
long procmem_read_kpageflags(int pid, void *kbuf, size_t n, uint64_t offset);

#endif
