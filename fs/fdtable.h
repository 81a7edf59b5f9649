/*
 * fs/fdtable.h - descriptor operations inside fs/ (the system calls use these; the
 * rest of the kernel sees the table through fs/fs.h).
 */
#ifndef CALF_FS_FDTABLE_H
#define CALF_FS_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

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
/* 0 if a descriptor is free below the limit, else -EMFILE (open checks this before
 * it looks at the path, as Linux does). */
int fd_check_free(struct fdtable *table);
/* The table's size as Linux counts it (its max_fds: 64 at first, then the powers of
 * two that hold the highest descriptor used): select ignores descriptors past it. */
unsigned fd_table_size(struct fdtable *table);
/* RLIMIT_NOFILE's soft limit itself (poll's bound on its count of descriptors). */
uint64_t fd_rlimit(void);

#endif
