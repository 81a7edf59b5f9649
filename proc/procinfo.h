/*
 * proc/procinfo.h - what /proc shows, in Linux's formats.
 *
 * proc/ owns the numbers; fs/procfs.c presents them. procinfo_init hands procfs the
 * tables of /proc and /proc/<pid> (see fs/procfs.h): cpuinfo (proc/cpuinfo.c), meminfo,
 * vmstat, stat, uptime, loadavg, self, kpagecount, kpageflags, and per process stat,
 * statm, status, cmdline, exe, maps, smaps, smaps_rollup and pagemap.
 */
#ifndef CALF_PROC_PROCINFO_H
#define CALF_PROC_PROCINFO_H

void procinfo_init(void);

#endif
