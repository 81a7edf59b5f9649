/*
 * fs/vfs.h - the virtual file system: inodes, superblocks, mounts, open files.
 *
 * This is the interface between the VFS core and the file systems (ramfs, procfs,
 * pipes, devices); the rest of the kernel sees only fs/fs.h.
 *
 * Lifetimes. An inode has two counts: nlink (names in directories, kept by the file
 * system) and refcount (in-memory references: open files, cwds, mounts, a path walk
 * in progress). It dies in inode_put when both are 0, or when its file system is torn
 * down. A directory's `parent` is a plain pointer, not a reference: a directory
 * cannot be removed while it has children, and rmdir clears the pointer of the
 * directory it removes.
 *
 * Locking. The kernel lock (kernel/kernel_lock.h) protects every VFS structure:
 * one CPU at a time runs kernel code, the kernel is not preemptible, and no
 * interrupt handler touches the VFS (the tty keeps its own lock), so a system
 * call runs until it sleeps, and it never sleeps in the middle of changing them.
 * One exception: the page-fault fast path (mm/mm.h) maps file pages with only
 * the address space's lock, so a regular file's page cache and size have a lock
 * of their own, the inode's pages_lock (fs/pagecache.c, "Locking"); the fast path
 * reaches nothing else here, and the region it faults in keeps the file, and so
 * the inode, alive. Taking the rest out from under the kernel lock needs a lock
 * per superblock (docs/smp.md, "What comes next").
 */
#ifndef CALF_FS_VFS_H
#define CALF_FS_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"
#include "mm/mm.h"
#include "sched/wait.h"

/* File types and permission bits (st_mode), as in Linux. */
#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  04000
#define S_ISGID  02000
#define S_ISVTX  01000
#define S_IALLUGO 07777

#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* d_type values of getdents64. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#define PATH_MAX 4096
#define NAME_MAX 255
#define SYMLOOP_MAX 40

/* Device numbers in Linux's user encoding (new_encode_dev): what st_rdev shows. */
static inline uint64_t dev_encode(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | ((uint64_t)(major & 0xfff) << 8) |
	       ((uint64_t)(minor & ~0xffu) << 12);
}
static inline uint32_t dev_major(uint64_t dev) { return (dev >> 8) & 0xfff; }
static inline uint32_t dev_minor(uint64_t dev) { return (dev & 0xff) | ((dev >> 12) & ~0xffu); }

/* inode_permission masks. */
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

struct timespec_k {
	int64_t sec;
	int64_t nsec;
};

struct inode;
struct file;
struct superblock;

/* Where a file operation's bytes live: user memory (through uaccess) or kernel. */
struct iobuf {
	char *ptr;
	bool user;
};

static inline struct iobuf iobuf_user(void *ptr) { return (struct iobuf){ ptr, true }; }
static inline struct iobuf iobuf_kernel(void *ptr) { return (struct iobuf){ ptr, false }; }

/* Copy to/from offset `at` of the buffer; 0 or -EFAULT. */
int iobuf_out(struct iobuf buf, size_t at, const void *src, size_t n);
int iobuf_in(struct iobuf buf, size_t at, void *dst, size_t n);
int iobuf_zero(struct iobuf buf, size_t at, size_t n);
/* The same, copying as much as can be: the bytes done, exactly (a user buffer is
 * taken a page at a time, so they are all the bytes before the first page that
 * cannot be reached), as Linux's copies count them. */
size_t iobuf_out_some(struct iobuf buf, size_t at, const void *src, size_t n);
size_t iobuf_in_some(struct iobuf buf, size_t at, void *dst, size_t n);
size_t iobuf_zero_some(struct iobuf buf, size_t at, size_t n);

/*
 * readdir callback: one entry; `next` is the position just after it (d_off).
 * Returns 0 to go on, non-zero to stop (the entry was not taken).
 */
typedef int (*readdir_fn)(void *ctx, const char *name, size_t len, uint64_t ino,
			  unsigned dtype, uint64_t next);

/*
 * What a file system does for its inodes. Names are (pointer, length), not
 * NUL-terminated, never "." or "..", at most NAME_MAX bytes. Operations that return
 * an inode return it with a reference taken. A NULL operation means "not supported
 * here": the VFS answers as Linux would for such a file system (EPERM, EINVAL...).
 */
struct inode_ops {
	/* Directories. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* A new inode of mode (type and permissions; S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK,
	 * S_IFIFO, S_IFSOCK) named name in dir. -EEXIST if the name is taken. */
	int (*create)(struct inode *dir, const char *name, size_t len, unsigned mode,
		      uint64_t rdev, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       struct inode **out);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *inode);
	/* Remove the name; victim is what it names (the VFS checked types and, for
	 * directories, emptiness with is_empty). */
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	/* Move old to new, replacing what new names (the VFS checked every rule). */
	int (*rename)(struct inode *olddir, const char *oldname, size_t oldlen,
		      struct inode *newdir, const char *newname, size_t newlen);
	bool (*is_empty)(struct inode *dir);
	/* Entries from *pos on ("." and ".." included), advancing *pos. */
	int (*readdir)(struct inode *dir, uint64_t *pos, readdir_fn emit, void *ctx);

	/* Symbolic links: the target's length, copied (not terminated) up to size. */
	long (*readlink)(struct inode *inode, char *buf, size_t size);

	/* Regular files: the page cache. get_page returns a page with a reference, or
	 * NULL (a hole when !allocate; out of memory when allocate). */
	struct page *(*get_page)(struct inode *inode, uint64_t index, bool allocate);
	int (*set_size)(struct inode *inode, uint64_t size);

	/* Free what the file system keeps for the inode; the VFS frees the inode. */
	void (*evict)(struct inode *inode);
};

/*
 * What an open file does. read/write move up to n bytes at *pos and advance it;
 * they return the count or a negative errno. Seekable files use the generic lseek;
 * others get ESPIPE. poll returns the POLL* events ready now, without sleeping.
 */
struct file_ops {
	long (*read)(struct file *file, struct iobuf buf, size_t n, uint64_t *pos);
	long (*write)(struct file *file, struct iobuf buf, size_t n, uint64_t *pos);
	long (*ioctl)(struct file *file, unsigned cmd, uint64_t arg);
	unsigned (*poll)(struct file *file);
	/* The queue on which a change of poll's answer is announced (fs_wake_events),
	 * for epoll. NULL: epoll refuses the file with EPERM, as Linux does files
	 * without a poll operation (regular files, directories, /dev/null). */
	struct wait_queue *(*poll_queue)(struct file *file);
	int (*open)(struct inode *inode, struct file *file);	/* may refuse: -errno */
	void (*release)(struct file *file);
	/* A reference was dropped and others are left (sockets collect cycles of
	 * descriptors in flight then). */
	void (*unref)(struct file *file);
	bool seekable;
	bool is_tty;	/* answers the terminal ioctls (isatty) */
};

#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG    0x400
#define POLLRDHUP  0x2000

struct inode {
	uint32_t refcount;
	uint32_t nlink;
	uint32_t mode;			/* S_IF* type | permission bits */
	uint32_t uid, gid;
	uint64_t ino;
	uint64_t size;
	uint64_t rdev;			/* dev_encode(major, minor) for device nodes */
	struct timespec_k atime, mtime, ctime;
	struct superblock *sb;
	const struct inode_ops *ops;
	const struct file_ops *fops;	/* how opening it behaves (NULL: by type) */
	struct inode *parent;		/* directories: where it is linked (not counted) */
	unsigned mounts;		/* mounts on this directory */
	bool dead;			/* evicted; only a bug would still see it */
	/* Linux's i_writecount: > 0, the files open for writing; < 0, the processes
	 * running it as their program. Either excludes the other (ETXTBSY). */
	int32_t writecount;
	struct mm_object mappings;	/* the regions mapping its pages (fs/filemap.c) */
	/* Its page cache (data below) and, for a regular file, every change of size
	 * that a page fault must see: page faults read them without the kernel lock
	 * (fs/pagecache.c, "Locking"). Level LOCK_LEVEL_PAGES: inside an address
	 * space's lock, outside the frame and heap locks. */
	struct spinlock pages_lock;

	/* Owned by the file system. */
	union {
		struct {			/* ramfs directory */
			struct list_node entries;	/* struct ramfs_entry, by cookie */
			uint64_t next_cookie;
		} dir;
		struct {			/* ramfs regular file: a radix tree */
			void *root;		/* of struct page *, RADIX_SLOTS per node */
			unsigned height;	/* levels of nodes above the pages */
			uint64_t pages;		/* frames held */
		} data;
		char *target;			/* ramfs symlink, NUL-terminated */
	};
	void *private;			/* for other file systems (procfs) */
};

struct fs_type;

struct superblock {
	const struct fs_type *type;
	uint64_t dev;			/* st_dev: dev_encode(0, n) */
	uint64_t magic;			/* statfs f_type */
	struct inode *root;		/* with a reference */
	uint64_t next_ino;
	uint64_t inode_refs;		/* sum of its inodes' refcounts: "busy" */
	uint64_t inodes;		/* live inodes */
	void *private;
};

/*
 * A file system type, registered with fs_register_type. mount fills in the new
 * superblock (at least root, with a reference, and magic); kill, if any, frees what
 * mount made after the VFS has dropped the root. A file system that keeps every
 * inode in memory (ramfs) lets the VFS tear the tree down instead (kill_tree).
 */
struct fs_type {
	const char *name;
	int (*mount)(struct superblock *sb, const void *data);
	void (*kill)(struct superblock *sb);
	bool kill_tree;
	struct list_node link;
};

/* A mount: sb's root covers the directory mountpoint (in another file system). */
struct mount {
	struct inode *mountpoint;	/* with a reference; NULL for the root mount */
	struct superblock *sb;
	struct list_node link;		/* in the mount table */
};

/* ---- inode.c ---- */

/* A fresh inode of sb with refcount 1, nlink 0, times now, owner from the current
 * process; NULL when out of memory. The file system sets ops and the rest. */
struct inode *inode_alloc(struct superblock *sb, unsigned mode);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);	/* may free it (both counts 0) */
/* Free an inode whatever its counts (file-system teardown). */
void inode_destroy(struct inode *inode);
/* 0, or -EACCES when the current credentials do not allow mask (MAY_*). */
int inode_permission(struct inode *inode, int mask);
int inode_permission_as(struct inode *inode, int mask, unsigned uid, unsigned gid);
struct timespec_k fs_now(void);
void inode_touch(struct inode *inode, bool modify);	/* ctime (and mtime) = now */
unsigned inode_dtype(const struct inode *inode);
/* A new superblock of type with the next anonymous device number; NULL on ENOMEM. */
struct superblock *sb_alloc(const struct fs_type *type);
void sb_free(struct superblock *sb);

/* ---- namei.c: path walks ---- */

#define WALK_FOLLOW	1	/* follow a symlink in the last component */
#define WALK_DIRECTORY	2	/* the result must be a directory */

/* The parent of a path's last component, for operations that create or remove. */
struct walk_parent {
	struct inode *dir;		/* with a reference */
	char name[NAME_MAX + 1];	/* NUL-terminated */
	size_t len;
	bool trailing_slash;		/* "name/" */
	bool dots;			/* name is "." or "..", or "/" (the path is the root) */
};

/*
 * Resolve path (a kernel string) starting at base (NULL: the current process's cwd).
 * Returns 0 with *out referenced, or -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP,
 * -EACCES, -ENOMEM. An empty path is -ENOENT.
 */
int path_lookup(struct inode *base, const char *path, unsigned flags, struct inode **out);

/* Resolve all but the last component into parent->dir (referenced). Put it with
 * walk_parent_done. -ENOENT for an empty path. */
int path_parent(struct inode *base, const char *path, struct walk_parent *parent);
void walk_parent_done(struct walk_parent *parent);

/* Look name up in dir, crossing mounts; *out referenced. */
int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);

/*
 * path_lookup that also says where it found the result: *dir is the directory
 * (referenced) whose entry *name (kmalloc'd, NUL-terminated) led to it. Only
 * meaningful for a result that is not a directory (a path may end in "." or "..").
 */
int path_lookup_named(struct inode *base, const char *path, unsigned flags, struct inode **out,
		      struct inode **dir, char **name);

/* The name under which dir lists the inode numbered ino, into name (NAME_MAX + 1
 * bytes, NUL-terminated): 0, or -ENOENT. */
int dir_name_of(struct inode *dir, uint64_t ino, char *name, size_t *len);

/* The global root directory (no reference taken). */
struct inode *vfs_root(void);
/* Write the absolute path of directory dir into buf; its length, -ENOENT (dir was
 * removed), -ERANGE (size too small). */
long vfs_path_of(struct inode *dir, char *buf, size_t size);

/* ---- mount.c ---- */

int fs_register_type(struct fs_type *type);
/* Mount a new instance of the named type on directory mountpoint. */
int vfs_mount(const char *type, struct inode *mountpoint, const void *data);
/* Unmount the file system whose root is root: -EINVAL (not a mount root), -EBUSY. */
int vfs_umount(struct inode *root);
/* Make the root file system (type must be registered). */
int vfs_mount_root(const char *type);
/* What is mounted on dir (the top of a stack), or NULL. */
struct mount *mount_on(struct inode *dir);
/* The mount whose root is inode, or NULL (also for the root mount). */
struct mount *mount_of_root(struct inode *inode);

/* ---- ramfs.c ---- */

void ramfs_register(void);
/* Read/write regular inode data through get_page (any file system with one). */
long pagecache_read(struct inode *inode, struct iobuf buf, size_t n, uint64_t offset);
long pagecache_write(struct inode *inode, struct iobuf buf, size_t n, uint64_t offset);

/* ---- file.c ---- */

struct file {
	uint32_t refcount;
	struct inode *inode;		/* with a reference */
	uint64_t pos;
	unsigned flags;			/* open flags: O_ACCMODE, O_APPEND, O_NONBLOCK... */
	const struct file_ops *ops;
	void *private;
	/* How a regular file was reached by path (open, exec), for /proc/<pid>/maps: the
	 * directory holding its name (referenced) and the name; NULL otherwise. */
	struct inode *name_dir;
	char *name;
	struct mm_backing backing;	/* what a mapping of it maps (fs/filemap.c) */
	int owner;			/* F_SETOWN: a pid, or -pgid; 0 for none */
	struct list_node epoll_items;	/* epoll registrations on it (fs/epoll.c) */
	bool writer;			/* counted in its inode's writecount */
};

/* A struct file on inode with refcount 1; calls ops->open. */
int file_open_inode(struct inode *inode, unsigned flags, struct file **out);
/* open(2) minus the descriptor: walks, creates, truncates, checks. */
int vfs_open(struct inode *base, const char *path, unsigned flags, unsigned mode,
	     struct file **out);
void file_get(struct file *file);
void file_put(struct file *file);

bool file_readable(const struct file *file);
bool file_writable(const struct file *file);
/* read/write through the ops, with the access-mode checks (-EBADF, -EINVAL...). */
long file_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos);
long file_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos);
int64_t file_lseek(struct file *file, int64_t offset, int whence);
/* Truncate or extend a regular file to size. */
int inode_set_size(struct inode *inode, uint64_t size);

/* ---- filemap.c ---- */

/* The absolute path of a file opened by path, with " (deleted)" when its last name
 * is gone, as /proc/<pid>/maps shows it: its length (NUL-terminated into buf), or
 * -ENOENT (not opened by path), -ERANGE, -ENOMEM. */
long file_path(struct file *file, char *buf, size_t size);

extern const struct file_ops regular_file_ops;
extern const struct file_ops dir_file_ops;

/* ---- dev.c ---- */

/* The file ops of character device rdev, or NULL (opening gives -ENXIO). */
const struct file_ops *chrdev_ops(uint64_t rdev);
int chrdev_register(uint32_t major, uint32_t minor, const struct file_ops *ops);

/* ---- poll.c ---- */

/* Wake queue and every poll/select sleeper, and tell epoll's watches on queue that
 * events (POLL*; 0: any) may have changed. fs_wake is fs_wake_events(queue, 0). */
void fs_wake(struct wait_queue *queue);
void fs_wake_events(struct wait_queue *queue, unsigned events);

/* ---- anon.c ---- */

/* A file with no name (eventfd, epoll) on the shared anonymous inode, with ops and
 * private, open with flags (O_ACCMODE | O_NONBLOCK): 0 with *out, or -ENOMEM. */
int anon_file_open(const struct file_ops *ops, void *private, unsigned flags, struct file **out);

/* ---- epoll.c ---- */

/* The last reference to file is going: drop every epoll registration on it. */
void epoll_file_gone(struct file *file);

/* ---- pipe.c ---- */
/* Two files, the read end and the write end, with flags (O_NONBLOCK) applied. */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end);
/* F_GETPIPE_SZ and F_SETPIPE_SZ on a pipe's file (size: a power of two, at least a
 * page): the size, or -EBUSY (the unread bytes would not fit), -ENOMEM. */
long pipe_get_size(struct file *file);
long pipe_set_size(struct file *file, uint32_t size);

#endif
