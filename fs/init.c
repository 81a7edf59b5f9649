/*
 * fs/init.c - bringing the file system up, and the small services the rest of the
 * kernel needs from it (fs/fs.h): the root, exec's view of files, the console fds.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/tty.h"

void dev_register_memory(void);
void procfs_register(void);

/*
 * Mount the root ramfs, unpack the initramfs (length 0: none), create /dev, start
 * the tty. Returns 0 or a negative errno; called once, at boot. The initramfs is
 * the user's: when it does not unpack completely, the boot goes on with what was
 * unpacked, as Linux's does, but the log says so in a line tools/calf-run looks for.
 */
int fs_init(const void *initramfs, size_t length)
{
	int error;

	ramfs_register();
	procfs_register();
	dev_register_memory();
	error = vfs_mount_root("ramfs");
	if (!error && length) {
		int unpacked = initramfs_unpack(initramfs, length);
		if (unpacked)
			printk("calf: initramfs: unpacking failed (error %d); booting with what "
			       "was unpacked\n", unpacked);
	}
	if (!error)
		error = fs_populate_dev();
	if (!error)
		tty_init();
	return error;
}

struct inode *fs_root(void)
{
	return vfs_root();
}

/* Open fds 0, 1 and 2 on /dev/console, read-write. */
int fdtable_open_console(struct fdtable *table)
{
	struct file *file;
	int error = vfs_open(vfs_root(), "/dev/console", O_RDWR | O_NOCTTY, 0, &file);

	if (error)
		return error;
	for (int fd = 0; fd < 3 && !error; fd++) {
		file_get(file);
		int got = fd_install(table, file, fd, false);
		if (got < 0) {
			file_put(file);
			error = got;
		}
	}
	file_put(file);
	return error;
}

int vfs_open_exec(const char *kernel_path, struct file **out)
{
	struct inode *inode, *dir;
	char *name;
	int error = path_lookup_named(NULL, kernel_path, WALK_FOLLOW, &inode, &dir, &name);

	if (error)
		return error;
	if (!S_ISREG(inode->mode))
		error = -EACCES;
	else
		error = inode_permission(inode, MAY_EXEC);
	/* Read-only, whatever the read permission: the kernel reads the program. */
	if (!error)
		error = file_open_inode(inode, O_RDONLY | O_LARGEFILE, out);
	inode_put(inode);
	if (error) {
		inode_put(dir);
		kfree(name);
		return error;
	}
	(*out)->name_dir = dir;
	(*out)->name = name;
	return 0;
}

long inode_read(struct inode *inode, void *kbuf, size_t n, uint64_t offset)
{
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) || !inode->ops || !inode->ops->get_page)
		return -EINVAL;
	return pagecache_read(inode, iobuf_kernel(kbuf), n, offset);
}

struct page *inode_get_page(struct inode *inode, uint64_t index, bool allocate)
{
	if (!S_ISREG(inode->mode) || !inode->ops || !inode->ops->get_page)
		return NULL;
	return inode->ops->get_page(inode, index, allocate);
}

uint64_t inode_size(const struct inode *inode)
{
	return inode->size;
}
