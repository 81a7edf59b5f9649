/*
 * fs/fdtable.h - descriptor operations inside fs/ (the system calls use these; the
 * rest of the kernel sees the table through fs/fs.h).
 */
#ifndef CALF_FS_FDTABLE_H
#define CALF_FS_FDTABLE_H

#include <stdbool.h>

struct fdtable;
struct file;

#define FD_MAX 1024

unsigned fd_limit(void);	/* RLIMIT_NOFILE, at most FD_MAX */
int fd_install(struct fdtable *table, struct file *file, int min, bool cloexec);
struct file *fd_get(struct fdtable *table, int fd);
int fd_close(struct fdtable *table, int fd);
int fd_dup_to(struct fdtable *table, int oldfd, int newfd, bool cloexec);
int fd_get_flags(struct fdtable *table, int fd);
int fd_set_flags(struct fdtable *table, int fd, int flags);
unsigned fdtable_count(struct fdtable *table);

#endif
