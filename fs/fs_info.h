/*
 * fs/fs_info.h - where a task's path walks start and what its new files lose:
 * the current directory and the umask (Linux's fs_struct).
 *
 * Reached from the running task (sched/task.h: task->fs). Shared by the threads
 * of a process, and by CLONE_FS children: proc/ makes, shares and drops them
 * (proc/thread.c); fs/ reads them and chdir and umask change them.
 */
#ifndef CALF_FS_FS_INFO_H
#define CALF_FS_FS_INFO_H

struct inode;
struct thread_group;

struct fs_info {
	int refs;
	struct inode *cwd;		/* NULL: the root */
	unsigned umask;
	/* proc/'s: the process whose storage holds this one, or NULL for the heap. */
	struct thread_group *home;
};

#endif
