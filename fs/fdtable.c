/*
 * fs/fdtable.c - a process's file descriptors.
 *
 * A table maps small integers to struct file references, each with its
 * close-on-exec flag. It grows by doubling up to FD_MAX (Linux's default
 * RLIMIT_NOFILE). fork clones the table: the same struct files, one more reference
 * each, so parent and child share offsets as Unix requires. The table itself is
 * reference counted for CLONE_FILES.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "fs/abi.h"

#define FD_INITIAL 16

struct fd_slot {
	struct file *file;
	bool cloexec;
};

struct fdtable {
	uint32_t refcount;
	unsigned capacity;
	struct fd_slot *slots;
};

/* Descriptors must stay below this: RLIMIT_NOFILE's soft limit (proc/limits.c,
 * through fs/jobctl.h), at most FD_MAX. */
unsigned fd_limit(void)
{
	uint64_t limit = fs_jobctl.nofile_limit();

	return limit < FD_MAX ? (unsigned)limit : FD_MAX;
}

uint64_t fd_rlimit(void)
{
	return fs_jobctl.nofile_limit();
}

static struct fdtable *table_alloc(unsigned capacity)
{
	struct fdtable *table = kzalloc(sizeof(*table));

	if (!table)
		return NULL;
	table->slots = kzalloc(capacity * sizeof(struct fd_slot));
	if (!table->slots) {
		kfree(table);
		return NULL;
	}
	table->refcount = 1;
	table->capacity = capacity;
	return table;
}

struct fdtable *fdtable_create(void)
{
	return table_alloc(FD_INITIAL);
}

/* A copy of table sharing its files (for fork); NULL when out of memory. */
struct fdtable *fdtable_clone(struct fdtable *table)
{
	struct fdtable *copy = table_alloc(table->capacity);

	if (!copy)
		return NULL;
	for (unsigned fd = 0; fd < table->capacity; fd++) {
		copy->slots[fd] = table->slots[fd];
		if (copy->slots[fd].file)
			file_get(copy->slots[fd].file);
	}
	return copy;
}

void fdtable_get(struct fdtable *table)
{
	table->refcount++;
}

bool fdtable_is_shared(const struct fdtable *table)
{
	return table->refcount > 1;
}

/* Drop a reference; the last one closes every descriptor and frees the table. */
/*
 * Each slot is emptied before its file is put: closing a file can run a good deal
 * of code (a socket's peer, epoll's watches, the unix socket collector), none of
 * which may find a descriptor that points at a file already gone.
 */
static void close_slot(struct fdtable *table, unsigned fd)
{
	struct file *file = table->slots[fd].file;

	table->slots[fd].file = NULL;
	table->slots[fd].cloexec = false;
	file_put(file);
}

void fdtable_put(struct fdtable *table)
{
	BUG_ON(table->refcount == 0);
	if (--table->refcount)
		return;
	for (unsigned fd = 0; fd < table->capacity; fd++)
		if (table->slots[fd].file)
			close_slot(table, fd);
	kfree(table->slots);
	kfree(table);
}

void fdtable_close_on_exec(struct fdtable *table)
{
	for (unsigned fd = 0; fd < table->capacity; fd++)
		if (table->slots[fd].file && table->slots[fd].cloexec)
			close_slot(table, fd);
}

/* Make room for descriptor fd: 0, -EMFILE (fd past the limit) or -ENOMEM. */
static int grow(struct fdtable *table, unsigned fd)
{
	unsigned capacity = table->capacity;
	struct fd_slot *slots;

	if (fd >= fd_limit())
		return -EMFILE;
	if (fd < capacity)
		return 0;
	while (capacity <= fd)
		capacity *= 2;
	if (capacity > FD_MAX)
		capacity = FD_MAX;
	slots = kzalloc(capacity * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memcpy(slots, table->slots, table->capacity * sizeof(*slots));
	kfree(table->slots);
	table->slots = slots;
	table->capacity = capacity;
	return 0;
}

/*
 * Put file in the lowest free descriptor >= min. The table takes over the caller's
 * reference. Returns the descriptor, -EMFILE (none free below the limit; min at or
 * past it is -EINVAL, as F_DUPFD wants) or -ENOMEM.
 */
int fd_install(struct fdtable *table, struct file *file, int min, bool cloexec)
{
	unsigned fd;
	int error;

	if (min < 0 || (unsigned)min >= fd_limit())
		return -EINVAL;
	for (fd = min; fd < table->capacity && table->slots[fd].file; fd++)
		;
	error = grow(table, fd);
	if (error)
		return error;
	table->slots[fd].file = file;
	table->slots[fd].cloexec = cloexec;
	return fd;
}

/* The file open at fd with a new reference, or NULL (not open / out of range). */
struct file *fd_get(struct fdtable *table, int fd)
{
	struct file *file;

	if (fd < 0 || (unsigned)fd >= table->capacity || !(file = table->slots[fd].file))
		return NULL;
	file_get(file);
	return file;
}

/* close(2): 0 or -EBADF. */
int fd_close(struct fdtable *table, int fd)
{
	struct file *file;

	if (fd < 0 || (unsigned)fd >= table->capacity || !(file = table->slots[fd].file))
		return -EBADF;
	table->slots[fd].file = NULL;
	table->slots[fd].cloexec = false;
	file_put(file);
	return 0;
}

/*
 * Make newfd refer to the file at oldfd (closing what newfd had). Returns newfd,
 * -EBADF (oldfd not open, newfd out of range), -ENOMEM.
 */
int fd_dup_to(struct fdtable *table, int oldfd, int newfd, bool cloexec)
{
	struct file *file = fd_get(table, oldfd);
	struct file *old;
	int error;

	if (!file)
		return -EBADF;
	if (newfd < 0 || (unsigned)newfd >= fd_limit()) {
		file_put(file);
		return -EBADF;
	}
	error = grow(table, newfd);
	if (error) {
		file_put(file);
		return error;
	}
	old = table->slots[newfd].file;
	table->slots[newfd].file = file;
	table->slots[newfd].cloexec = cloexec;
	if (old)
		file_put(old);
	return newfd;
}

/* FD_CLOEXEC of fd, or -EBADF. */
int fd_get_flags(struct fdtable *table, int fd)
{
	if (fd < 0 || (unsigned)fd >= table->capacity || !table->slots[fd].file)
		return -EBADF;
	return table->slots[fd].cloexec ? FD_CLOEXEC : 0;
}

int fd_set_flags(struct fdtable *table, int fd, int flags)
{
	if (fd < 0 || (unsigned)fd >= table->capacity || !table->slots[fd].file)
		return -EBADF;
	table->slots[fd].cloexec = flags & FD_CLOEXEC;
	return 0;
}

/* Number of open descriptors (for tests and /proc). */
unsigned fdtable_count(struct fdtable *table)
{
	unsigned count = 0;

	for (unsigned fd = 0; fd < table->capacity; fd++)
		count += table->slots[fd].file != NULL;
	return count;
}

struct inode *fd_inode(struct fdtable *table, int fd)
{
	if (!table || fd < 0 || (unsigned)fd >= table->capacity || !table->slots[fd].file)
		return NULL;
	return table->slots[fd].file->inode;
}

struct file *fd_mmap_file(struct fdtable *table, int fd)
{
	struct file *file = table ? fd_get(table, fd) : NULL;

	if (file && (file->flags & O_PATH)) {
		file_put(file);
		return NULL;
	}
	return file;
}

int fd_check_free(struct fdtable *table)
{
	unsigned fd;

	for (fd = 0; fd < table->capacity && table->slots[fd].file; fd++)
		;
	return fd < fd_limit() ? 0 : -EMFILE;
}

unsigned fd_table_size(struct fdtable *table)
{
	return table->capacity > 64 ? table->capacity : 64;
}
