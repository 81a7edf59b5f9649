/*
 * proc/procinfo.h - the text of the /proc files, in Linux's formats.
 *
 * Each generator writes the whole file into buf (at most size bytes, always
 * terminated) and returns the length the full text has, like snprintf; fs/'s procfs
 * calls them when a file is opened and serves reads from the result.
 */
#ifndef CALF_PROC_PROCINFO_H
#define CALF_PROC_PROCINFO_H

#include <stddef.h>

size_t procinfo_meminfo(char *buf, size_t size);
size_t procinfo_vmstat(char *buf, size_t size);
size_t procinfo_uptime(char *buf, size_t size);
size_t procinfo_loadavg(char *buf, size_t size);
size_t procinfo_stat(char *buf, size_t size);

/* Per process: -ESRCH (as a negative long) when pid is gone. */
long procinfo_pid_stat(int pid, char *buf, size_t size);
long procinfo_pid_status(int pid, char *buf, size_t size);
long procinfo_pid_cmdline(int pid, char *buf, size_t size);
long procinfo_pid_maps(int pid, char *buf, size_t size);

/* Pids of live processes in increasing order, at most max; returns the count. */
size_t procinfo_pids(int *pids, size_t max);

#endif
