/*
 * fs/fs.h - what the rest of the kernel uses of the file system layer.
 *
 * Start-up: fs_init(archive, length) makes the root ramfs, unpacks the initramfs
 * (cpio newc) into it, and creates /dev and its nodes (null, zero, random,
 * urandom, tty, console) where the archive has none. PID 1 then gets
 * fdtable_create() + fdtable_open_console() (fds 0, 1, 2 on /dev/console) and
 * cwd = fs_root() (take a reference with inode_get).
 *
 * Processes: fork calls fdtable_clone (the same open files, one more reference
 * each) and inode_get(cwd); exec calls fdtable_close_on_exec; exit calls
 * fdtable_put and inode_put(cwd). All of these run in process context.
 *
 * exec: vfs_open_exec resolves a path (relative to the current process's cwd) to an
 * inode it may execute; inode_read reads its bytes; inode_put releases it.
 *
 * The file system calls themselves (read, open, stat, poll, mount...) are
 * SYSCALL_DEFINEs in fs/sys_*.c and reach the dispatcher through the weak table.
 * Blocking calls (pipe and tty reads, pipe writes) return -ERESTARTSYS when a
 * signal interrupts them before any data moved; poll and select return -EINTR.
 */
#ifndef CALF_FS_FS_H
#define CALF_FS_FS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct inode;
struct fdtable;

/* Root ramfs, initramfs unpack, /dev, the tty. 0 or a negative errno; an initramfs
 * that does not unpack completely is reported on the kernel log, not returned:
 * the boot goes on with what was unpacked, as Linux's does. */
int fs_init(const void *initramfs, size_t length);

/* Unpack cpio "newc" archives (magic 070701 or 070702, one after the other) into
 * the root. 0, or the first error: each entry that failed is reported on the
 * kernel log and skipped; a malformed archive (-EINVAL) ends the unpacking, what
 * came before the bad entry staying. */
int initramfs_unpack(const void *archive, size_t length);

/* Create /dev and its device nodes where missing. 0 or a negative errno. */
int fs_populate_dev(void);

/* Inodes: references for whoever keeps a pointer (cwd, exec). */
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
struct inode *fs_root(void);	/* the root directory; no reference taken */

/*
 * Open kernel_path for execve: 0 with *out (read-only, named for /proc/<pid>/maps),
 * or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES (a directory, not a regular
 * file, or no execute permission: root needs at least one x bit), -ENOMEM.
 * file_inode is its inode (no reference of its own); file_put closes it.
 */
struct file;
int vfs_open_exec(const char *kernel_path, struct file **out);
struct inode *file_inode(struct file *file);
void file_get(struct file *file);
void file_put(struct file *file);

/* A program being run may not be written, nor a file open for writing be run
 * (ETXTBSY both ways, as in Linux): exec denies writes to each file it opens,
 * and the process keeps the denial on its program until it exits or execs again;
 * a fork takes one more. */
int file_deny_write(struct file *file);
void file_allow_write(struct file *file);

/* What a mapping of the file maps (mm/mm.h), or NULL: no page cache to map. */
struct mm_backing;
struct mm_backing *file_backing(struct file *file);
/* Is the page at index of the file a backing maps in memory (mincore)? */
_Bool file_backing_resident(struct mm_backing *backing, uint64_t index);

/* Read up to n bytes at offset into a kernel buffer: the count (0 at end of file),
 * or -EINVAL (not a regular file), -EISDIR. */
long inode_read(struct inode *inode, void *kbuf, size_t n, uint64_t offset);

/* The file's page at index (4 KiB units) with a reference taken (frame_put it), or
 * NULL: a hole when !allocate, not a page-cache file, or out of memory. For mapping
 * file pages directly into processes. */
struct page;
struct page *inode_get_page(struct inode *inode, uint64_t index, _Bool allocate);
uint64_t inode_size(const struct inode *inode);

/* Descriptor tables. fdtable_create and fdtable_clone return NULL when out of
 * memory. fdtable_put drops a reference; the last closes every descriptor. */
struct fdtable *fdtable_create(void);
struct fdtable *fdtable_clone(struct fdtable *table);
void fdtable_get(struct fdtable *table);	/* CLONE_FILES */
bool fdtable_is_shared(const struct fdtable *table);	/* by CLONE_FILES: execve unshares */
void fdtable_put(struct fdtable *table);
void fdtable_close_on_exec(struct fdtable *table);
/* fds 0, 1, 2 on /dev/console: 0 or a negative errno. */
int fdtable_open_console(struct fdtable *table);

/* The inode open at fd (no reference taken: valid while fd stays open), or NULL. */
struct inode *fd_inode(struct fdtable *table, int fd);

/*
 * mmap of a descriptor. fd_mmap_file: the file open at fd, with a reference
 * (file_put it), or NULL for EBADF (not open, or an O_PATH descriptor).
 * file_mmap_check: Linux's checks, in Linux's order, for mapping it with prot
 * (PROT_*) shared or private: 0, -EACCES (not open for reading; shared and writable
 * but not open for writing), -ENODEV (neither a regular file with a page cache nor
 * /dev/zero). On success *backing is what to map (NULL: anonymous memory, for
 * /dev/zero) and *may_write whether the mapping may ever be made writable.
 */
struct file *fd_mmap_file(struct fdtable *table, int fd);
int file_mmap_check(struct file *file, unsigned prot, _Bool shared, struct mm_backing **backing,
		    _Bool *may_write);

/* Random bytes from the kernel's ChaCha20 generator (getrandom, AT_RANDOM). */
void random_bytes(void *buf, size_t n);

#endif
