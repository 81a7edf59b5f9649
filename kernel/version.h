/*
 * kernel/version.h - what calf says it is: uname(2)'s strings and /proc/version,
 * from one place so that they always agree.
 *
 * The system name is "Linux": programs read it to choose Linux's behaviour, and
 * calf speaks Linux's system-call ABI. The release says which Linux calf
 * follows (6.1, Debian 12's) and that it is not that kernel.
 */
#ifndef CALF_KERNEL_VERSION_H
#define CALF_KERNEL_VERSION_H

#define CALF_UNAME_SYSNAME	"Linux"
#define CALF_UNAME_NODENAME	"calf"
#define CALF_UNAME_RELEASE	"6.1.0-calf"
#define CALF_UNAME_VERSION	"#1 calf"
#define CALF_UNAME_MACHINE	"x86_64"

/* /proc/version's one line, in Linux's layout: "%s version %s (builder@host)
 * (compiler) %s\n" with the system name, release and version. */
#define CALF_PROC_VERSION \
	CALF_UNAME_SYSNAME " version " CALF_UNAME_RELEASE " (calf@calf) (gcc version " \
	__VERSION__ ") " CALF_UNAME_VERSION "\n"

#endif
