/*
 * fs/procfs.h - the "proc" file system: a tree of generated files.
 *
 * fs/ knows how to present a table of entries as directories, text files and
 * symlinks; it does not know what a process is. The owner of the numbers (proc/)
 * hands it a struct procfs_source: the entries of /proc, the entries of every
 * /proc/<pid>, and how to list the live pids. A file's text is generated when it is
 * opened, so a reader sees one consistent snapshot however small its reads are.
 */
#ifndef CALF_FS_PROCFS_H
#define CALF_FS_PROCFS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * One name in a procfs directory. mode is S_IFREG, S_IFDIR or S_IFLNK with
 * permission bits. pid is the process of the /proc/<pid> directory the entry is in
 * (0 at the top level).
 */
struct procfs_entry {
	const char *name;
	unsigned mode;
	/* Files: the text; symlinks: the target. Like snprintf, returns the length
	 * the whole text has (writing at most size bytes), or a negative errno. */
	long (*show)(int pid, char *buf, size_t size);
	/* Writable files: take the bytes of one write (not terminated); 0 or -errno.
	 * A file with store and no show is write-only: opening it to read is EACCES. */
	int (*store)(int pid, const char *buf, size_t len);
	/* Binary files read piece by piece instead (pagemap, kpagecount): fill up to
	 * n bytes of the file at offset into kbuf; the bytes filled (0 at its end)
	 * or a negative errno. */
	long (*read_at)(int pid, void *kbuf, size_t n, uint64_t offset);
	/* Directories: their entries, ended by one with a NULL name. */
	const struct procfs_entry *children;
	/* Directories of numbered directories (/proc/<pid>/task): the ids in pid's
	 * directory, in increasing order (at most max; returns how many), whether id
	 * is one of them, and what each id's directory is (its children are shown
	 * with the id as their pid). */
	size_t (*ids)(int pid, int *ids, size_t max);
	bool (*id_alive)(int pid, int id);
	const struct procfs_entry *id_dir;
};

struct procfs_source {
	const struct procfs_entry *root;	/* /proc, NULL-name terminated */
	const struct procfs_entry *pid_dir;	/* /proc/<pid>, NULL-name terminated */
	/* Live pids in increasing order, at most max; returns how many. */
	size_t (*pids)(int *pids, size_t max);
	bool (*pid_alive)(int pid);
};

/* Set what /proc shows; until then it is empty. The source must stay valid. */
void procfs_set_source(const struct procfs_source *source);

#endif
