/*
 * net/unix_addr.c - AF_UNIX names: binding to a path (a socket inode in the file
 * system, found again by path walk) or to an abstract name (a string starting
 * with NUL, in a list here), autobind, and finding the socket a name names.
 *
 * A path-bound socket keeps a reference on its inode and the inode points back
 * (inode->private; S_IFSOCK inodes of ramfs have no other use for it). Closing the
 * socket clears the pointer but leaves the file, as on Linux: connecting to it
 * then is ECONNREFUSED, binding to it EADDRINUSE.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "net/unix.h"

static struct list_node abstract_names = LIST_HEAD_INIT(abstract_names);
static unsigned autobind_next;

int unix_check_addr(const uint8_t *addr, uint32_t len)
{
	uint16_t family;

	if (len <= UNIX_PATH_OFFSET || len > UNIX_ADDR_MAX)
		return -EINVAL;
	memcpy(&family, addr, sizeof(family));
	return family == AF_UNIX ? 0 : -EINVAL;
}

static struct unix_sock *find_abstract(const uint8_t *addr, uint32_t len, int type)
{
	struct list_node *pos;

	list_for_each(pos, &abstract_names) {
		struct unix_sock *us = list_entry(pos, struct unix_sock, abstract_link);
		if (us->sock.type == type && us->addrlen == len && !memcmp(us->addr, addr, len))
			return us;
	}
	return NULL;
}

static int bind_abstract(struct unix_sock *us, const uint8_t *addr, uint32_t len)
{
	if (find_abstract(addr, len, us->sock.type))
		return -EADDRINUSE;
	if (us->addrlen)
		return -EINVAL;
	memcpy(us->addr, addr, len);
	us->addrlen = len;
	list_push_back(&abstract_names, &us->abstract_link);
	return 0;
}

/* Linux's autobind: an abstract name of five hex digits. */
static int autobind(struct unix_sock *us)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t addr[8] = { AF_UNIX, 0, 0 };

	if (us->addrlen)
		return -EINVAL;
	for (unsigned tries = 0; tries < 0x100000; tries++) {
		unsigned n = autobind_next++ & 0xfffff;
		for (int i = 0; i < 5; i++)
			addr[3 + i] = hex[(n >> (16 - 4 * i)) & 0xf];
		if (!find_abstract(addr, sizeof(addr), us->sock.type))
			return bind_abstract(us, addr, sizeof(addr));
	}
	return -ENOSPC;
}

/* The NUL-terminated path of a path address (Linux stops at the first NUL). */
static void path_of(const uint8_t *addr, uint32_t len, char *path)
{
	memcpy(path, addr + UNIX_PATH_OFFSET, len - UNIX_PATH_OFFSET);
	path[len - UNIX_PATH_OFFSET] = 0;
}

/*
 * Create the socket inode at path: EADDRINUSE when the name exists, the walk's
 * errors, EACCES; EINVAL if the socket is bound already (Linux finds that only
 * after making the node, which it then removes: no file is left either way).
 */
static int bind_path(struct unix_sock *us, const uint8_t *addr, uint32_t len)
{
	char path[UNIX_ADDR_MAX];
	struct walk_parent p;
	struct inode *inode;
	int error;

	path_of(addr, len, path);
	error = path_parent(NULL, path, &p);
	if (error)
		return error;
	if (p.dots || !dir_lookup(p.dir, p.name, p.len, &inode)) {
		if (!p.dots)
			inode_put(inode);
		error = -EADDRINUSE;
	} else if (p.dir->nlink == 0) {
		error = -ENOENT;
	} else if (!(error = inode_permission(p.dir, MAY_WRITE | MAY_EXEC))) {
		struct task *task = fs_current();
		unsigned mode = S_IFSOCK | (0777 & ~(task && task->fs ? task->fs->umask : 0));
		if (us->addrlen)
			error = -EINVAL;
		else if (!p.dir->ops->create)
			error = -EPERM;
		else
			error = p.dir->ops->create(p.dir, p.name, p.len, mode, 0, &inode);
	}
	walk_parent_done(&p);
	if (error)
		return error;
	inode->private = us;
	us->bound_inode = inode;
	us->addrlen = UNIX_PATH_OFFSET + strlen(path) + 1;
	memcpy(us->addr, addr, UNIX_PATH_OFFSET);
	memcpy(us->addr + UNIX_PATH_OFFSET, path, us->addrlen - UNIX_PATH_OFFSET);
	return 0;
}

int unix_bind_name(struct unix_sock *us, const uint8_t *addr, uint32_t len)
{
	uint16_t family;
	int error;

	memcpy(&family, addr, sizeof(family));
	if (len == UNIX_PATH_OFFSET && family == AF_UNIX)
		return autobind(us);
	error = unix_check_addr(addr, len);
	if (error)
		return error;
	return addr[UNIX_PATH_OFFSET] ? bind_path(us, addr, len) : bind_abstract(us, addr, len);
}

int unix_find(const uint8_t *addr, uint32_t len, int type, struct unix_sock **out)
{
	char path[UNIX_ADDR_MAX];
	struct inode *inode;
	struct unix_sock *us;
	int error;

	if (!addr[UNIX_PATH_OFFSET]) {
		us = find_abstract(addr, len, type);
		if (!us)
			return -ECONNREFUSED;
		unix_get(us);
		*out = us;
		return 0;
	}
	path_of(addr, len, path);
	error = path_lookup(NULL, path, WALK_FOLLOW, &inode);
	if (error)
		return error;
	error = inode_permission(inode, MAY_WRITE);
	us = inode->private;
	if (!error && (!S_ISSOCK(inode->mode) || !us))
		error = -ECONNREFUSED;
	else if (!error && us->sock.type != type)
		error = -EPROTOTYPE;
	if (!error) {
		unix_get(us);
		*out = us;
	}
	inode_put(inode);
	return error;
}

void unix_unbind(struct unix_sock *us)
{
	if (us->bound_inode) {
		us->bound_inode->private = NULL;
		inode_put(us->bound_inode);
		us->bound_inode = NULL;
	} else {
		list_remove(&us->abstract_link);
	}
}
