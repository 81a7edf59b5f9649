/*
 * fs/procfs.c - the "proc" file system type (interface in fs/procfs.h).
 *
 * Nothing is stored: every lookup makes a fresh inode (nlink 0, so it dies at its
 * last inode_put) that remembers which table entry and which pid it stands for. An
 * inode number is a function of (pid, entry), so the same name always has the same
 * number. A directory inode holds a counted reference on its parent, because unlike
 * in ramfs nothing else keeps the parent alive while a process sits in the child.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/procfs.h"
#include "lib/format.h"

/* What a procfs inode stands for: the root (no entry, pid 0), a /proc/<pid>
 * directory (no entry, pid > 0), or an entry of a table, inside pid's directory. */
struct procfs_node {
	const struct procfs_entry *entry;
	int pid;
};

/* Text generated at open, served to reads. */
struct procfs_text {
	size_t length;
	char data[];
};

#define PROCFS_ROOT_INO 1
#define PROCFS_MAX_PIDS 1024
/* readdir positions at and above this are "the next pid is at least pos - base". */
#define PROCFS_PID_POS  0x100000

static const struct procfs_source *source;
static const struct inode_ops procfs_dir_ops, procfs_link_ops, procfs_file_inode_ops;
static const struct file_ops procfs_file_ops;

void procfs_set_source(const struct procfs_source *new_source)
{
	source = new_source;
}

static struct procfs_node *node_of(struct inode *inode)
{
	return inode->private;
}

static uint64_t ino_of(int pid, const struct procfs_entry *entry)
{
	/* Entries live in the kernel image: the low half of their address is unique. */
	uint64_t low = entry ? (uint32_t)(uintptr_t)entry : 2;
	return pid == 0 && !entry ? PROCFS_ROOT_INO : ((uint64_t)pid << 32) | low;
}

static const struct procfs_entry *children_of(const struct procfs_node *node)
{
	if (node->entry)
		return node->entry->children;
	if (!source)
		return NULL;
	return node->pid ? source->pid_dir : source->root;
}

static unsigned dtype_of(unsigned mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

/* A new inode for (pid, entry) under parent (NULL for the root). */
static struct inode *make_inode(struct superblock *sb, struct inode *parent, int pid,
				const struct procfs_entry *entry)
{
	unsigned mode = entry ? entry->mode : S_IFDIR | 0555;
	struct procfs_node *node = kmalloc(sizeof(*node));
	struct inode *inode = node ? inode_alloc(sb, mode) : NULL;

	if (!inode) {
		kfree(node);
		return NULL;
	}
	node->entry = entry;
	node->pid = pid;
	inode->private = node;
	inode->ino = ino_of(pid, entry);
	inode->uid = inode->gid = 0;
	if (S_ISDIR(mode)) {
		inode->ops = &procfs_dir_ops;
		inode->fops = &dir_file_ops;
		inode->nlink = 0;
		inode->parent = parent;
		if (parent)
			inode_get(parent);
	} else if (S_ISLNK(mode)) {
		inode->ops = &procfs_link_ops;
	} else {
		inode->ops = &procfs_file_inode_ops;
		inode->fops = &procfs_file_ops;
	}
	return inode;
}

static void procfs_evict(struct inode *inode)
{
	if (S_ISDIR(inode->mode) && inode->parent && inode->parent != inode)
		inode_put(inode->parent);
	kfree(inode->private);
	inode->private = NULL;
}

/* ---- directories ---- */

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* The pid a name spells ("123"), or 0. */
static int parse_pid(const char *name, size_t len)
{
	int pid = 0;

	if (len == 0 || len > 9 || name[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct procfs_node *node = node_of(dir);
	const struct procfs_entry *entry = children_of(node);
	int pid;

	if (node->pid && source && !source->pid_alive(node->pid))
		return -ENOENT;
	for (; entry && entry->name; entry++) {
		if (name_is(name, len, entry->name)) {
			*out = make_inode(dir->sb, dir, node->pid, entry);
			return *out ? 0 : -ENOMEM;
		}
	}
	/* A directory of ids holds one directory per id. */
	if (node->entry && node->entry->ids) {
		int id = parse_pid(name, len);
		if (!id || !node->entry->id_alive(node->pid, id))
			return -ENOENT;
		*out = make_inode(dir->sb, dir, id, node->entry->id_dir);
		return *out ? 0 : -ENOMEM;
	}
	/* The root also holds one directory per live process. */
	if (node->entry || node->pid || !source)
		return -ENOENT;
	pid = parse_pid(name, len);
	if (!pid || !source->pid_alive(pid))
		return -ENOENT;
	*out = make_inode(dir->sb, dir, pid, NULL);
	return *out ? 0 : -ENOMEM;
}

/* The numbered directories: the processes in the root (pids, entry NULL), or the
 * ids of a directory of ids (entry its id_dir). */
static int emit_pids(const struct procfs_node *node, uint64_t *pos, readdir_fn emit,
		     void *ctx)
{
	int *pids = kmalloc(PROCFS_MAX_PIDS * sizeof(int));
	const struct procfs_entry *entry = node->entry ? node->entry->id_dir : NULL;
	char name[12];

	if (!pids)
		return -ENOMEM;
	size_t count = node->entry ? node->entry->ids(node->pid, pids, PROCFS_MAX_PIDS)
				   : source->pids(pids, PROCFS_MAX_PIDS);
	for (size_t i = 0; i < count; i++) {
		if ((uint64_t)pids[i] < *pos - PROCFS_PID_POS)
			continue;
		size_t len = snprintf(name, sizeof(name), "%d", pids[i]);
		uint64_t next = PROCFS_PID_POS + pids[i] + 1;
		if (emit(ctx, name, len, ino_of(pids[i], entry), DT_DIR, next))
			break;
		*pos = next;
	}
	kfree(pids);
	return 0;
}

/* Positions: 0 ".", 1 "..", 2.. the table's entries, then (root only) the pids. */
static int procfs_readdir(struct inode *dir, uint64_t *pos, readdir_fn emit, void *ctx)
{
	struct procfs_node *node = node_of(dir);
	const struct procfs_entry *entries = children_of(node);
	uint64_t parent_ino = dir->parent ? dir->parent->ino : dir->ino;
	size_t count = 0;

	while (entries && entries[count].name)
		count++;
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, parent_ino, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	for (; *pos >= 2 && *pos < 2 + count; (*pos)++) {
		const struct procfs_entry *entry = &entries[*pos - 2];
		if (emit(ctx, entry->name, strlen(entry->name), ino_of(node->pid, entry),
			 dtype_of(entry->mode), *pos + 1))
			return 0;
	}
	bool numbered = node->entry ? node->entry->ids != NULL : !node->pid && source;
	if (!numbered)
		return 0;
	if (*pos < PROCFS_PID_POS)
		*pos = PROCFS_PID_POS;
	return emit_pids(node, pos, emit, ctx);
}

static bool procfs_never_empty(struct inode *dir)
{
	(void)dir;
	return false;
}

static const struct inode_ops procfs_dir_ops = {
	.lookup = procfs_lookup,
	.readdir = procfs_readdir,
	.is_empty = procfs_never_empty,
	.evict = procfs_evict,
};

/* ---- symlinks ---- */

static long procfs_readlink(struct inode *inode, char *buf, size_t size)
{
	struct procfs_node *node = node_of(inode);
	char target[64];

	long length = node->entry->show(node->pid, target, sizeof(target));
	if (length < 0)
		return length;
	if ((size_t)length >= sizeof(target))
		return -ENAMETOOLONG;
	if ((size_t)length > size)
		length = size;
	memcpy(buf, target, length);
	return length;
}

static const struct inode_ops procfs_link_ops = {
	.readlink = procfs_readlink,
	.evict = procfs_evict,
};

/* ---- files ---- */

/* Generate the text: ask for the length, then fill a buffer of that size. The text
 * may grow between the two calls (a new process), so retry with room to spare. */
static int generate(struct procfs_node *node, struct procfs_text **out)
{
	long length = node->entry->show(node->pid, NULL, 0);

	for (int tries = 0; tries < 4; tries++) {
		if (length < 0)
			return length;
		size_t room = length + 256;
		struct procfs_text *text = kmalloc(sizeof(*text) + room);
		if (!text)
			return -ENOMEM;
		length = node->entry->show(node->pid, text->data, room);
		if (length >= 0 && (size_t)length < room) {
			text->length = length;
			*out = text;
			return 0;
		}
		kfree(text);
	}
	return -EAGAIN;
}

static int procfs_open(struct inode *inode, struct file *file)
{
	struct procfs_node *node = node_of(inode);
	struct procfs_text *text = NULL;

	if (node->pid && source && !source->pid_alive(node->pid))
		return -ENOENT;
	if (file_writable(file) && !node->entry->store)
		return -EACCES;
	/* Write-only settings (drop_caches): not even root reads them, as on Linux. */
	if (file_readable(file) && (node->entry->mode & S_IFMT) == S_IFREG &&
	    !node->entry->show && !node->entry->read_at)
		return -EACCES;
	if (file_readable(file) && !node->entry->read_at) {
		int error = generate(node, &text);
		if (error)
			return error;
	}
	file->private = text;
	return 0;
}

static void procfs_release(struct file *file)
{
	kfree(file->private);
	file->private = NULL;
}

/* A binary file: its pieces through a bounce buffer, a page at a time. An error
 * after some bytes ends the read short, as for any file. */
static long read_pieces(struct procfs_node *node, struct iobuf buf, size_t n, uint64_t *pos)
{
	void *bounce = kmalloc(PAGE_SIZE);
	size_t done = 0;
	long error = 0;

	if (!bounce)
		return -ENOMEM;
	while (done < n) {
		size_t want = n - done < PAGE_SIZE ? n - done : PAGE_SIZE;
		long got = node->entry->read_at(node->pid, bounce, want, *pos);
		if (got <= 0) {
			error = got;
			break;
		}
		if (iobuf_out(buf, done, bounce, got)) {
			error = -EFAULT;
			break;
		}
		done += got;
		*pos += got;
		if ((size_t)got < want)
			break;
	}
	kfree(bounce);
	return done ? (long)done : error;
}

static long procfs_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct procfs_text *text = file->private;
	struct procfs_node *node = node_of(file->inode);

	if (node->entry->read_at)
		return read_pieces(node, buf, n, pos);

	if (!text || *pos >= text->length)
		return 0;
	if (n > text->length - *pos)
		n = text->length - *pos;
	if (iobuf_out(buf, 0, text->data + *pos, n))
		return -EFAULT;
	*pos += n;
	return n;
}

/* Settings are short: one write is one value, as with Linux's sysctl files. */
static long procfs_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct procfs_node *node = node_of(file->inode);
	char value[64];

	if (n >= sizeof(value))
		return -EINVAL;
	if (iobuf_in(buf, 0, value, n))
		return -EFAULT;
	int error = node->entry->store(node->pid, value, n);
	if (error)
		return error;
	*pos += n;
	return n;
}

static unsigned procfs_poll(struct file *file)
{
	(void)file;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/* O_TRUNC on a setting is what `echo x > file` does: accept it, as Linux does. */
static int procfs_set_size(struct inode *inode, uint64_t size)
{
	(void)inode, (void)size;
	return 0;
}

static const struct inode_ops procfs_file_inode_ops = {
	.set_size = procfs_set_size,
	.evict = procfs_evict,
};

static const struct file_ops procfs_file_ops = {
	.open = procfs_open,
	.release = procfs_release,
	.read = procfs_read,
	.write = procfs_write,
	.poll = procfs_poll,
	.seekable = true,
};

/* ---- the file system type ---- */

static int procfs_mount(struct superblock *sb, const void *data)
{
	(void)data;
	sb->root = make_inode(sb, NULL, 0, NULL);
	if (!sb->root)
		return -ENOMEM;
	sb->root->nlink = 2;	/* the mount keeps it; it dies with the superblock */
	sb->magic = PROC_SUPER_MAGIC;
	return 0;
}

static void procfs_kill(struct superblock *sb)
{
	(void)sb;
}

static struct fs_type procfs_type = {
	.name = "proc",
	.mount = procfs_mount,
	.kill = procfs_kill,
};

void procfs_register(void)
{
	fs_register_type(&procfs_type);
}
