/*
 * proc/cpuinfo.h - the text of /proc/cpuinfo (proc/procinfo.c lists the file).
 */
#ifndef CALF_PROC_CPUINFO_H
#define CALF_PROC_CPUINFO_H

#include <stddef.h>

/* A procfs show function (fs/procfs.h): one stanza per online CPU. */
long cpuinfo_show(int pid, char *buf, size_t size);

#endif
