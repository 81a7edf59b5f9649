/*
 * fs/dev.c - character devices: the driver table by (major, minor), the memory
 * devices (null 1:3, zero 1:5, random 1:8, urandom 1:9), and /dev itself.
 *
 * A device node is an ordinary inode with S_IFCHR and rdev; opening it looks the
 * driver up here, so a node made by mknod or unpacked from the initramfs works the
 * same as one made by fs_populate_dev.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"
#include "fs/abi.h"

#define CHRDEV_MAX 16

static struct chrdev {
	uint64_t rdev;
	const struct file_ops *ops;
} chrdevs[CHRDEV_MAX];
static unsigned chrdev_count;

/* 0, -EEXIST, or -ENOSPC when the table is full. */
int chrdev_register(uint32_t major, uint32_t minor, const struct file_ops *ops)
{
	uint64_t rdev = dev_encode(major, minor);

	if (chrdev_ops(rdev))
		return -EEXIST;
	if (chrdev_count == CHRDEV_MAX)
		return -ENOSPC;
	chrdevs[chrdev_count++] = (struct chrdev){ rdev, ops };
	return 0;
}

const struct file_ops *chrdev_ops(uint64_t rdev)
{
	for (unsigned i = 0; i < chrdev_count; i++)
		if (chrdevs[i].rdev == rdev)
			return chrdevs[i].ops;
	return NULL;
}

static unsigned mem_poll(struct file *file)
{
	(void)file;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/* Writes to null, zero and the random devices vanish (Linux mixes the bytes into
 * its pool for random; here they are simply accepted). */
static long sink_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)file, (void)buf, (void)pos;
	return n;
}

static long null_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)file, (void)buf, (void)n, (void)pos;
	return 0;
}

/* How much of the n - done bytes left fit before the destination's next page
 * boundary, at most limit: stepping by these, a fault on a page leaves exactly the
 * bytes before it done, and read(2) returns their count as Linux does. */
static size_t step_to_page(struct iobuf buf, size_t done, size_t n, size_t limit)
{
	size_t room = PAGE_SIZE - ((uintptr_t)(buf.ptr + done) & (PAGE_SIZE - 1));
	size_t step = n - done < room ? n - done : room;

	return step < limit ? step : limit;
}

static long zero_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	size_t done = 0;

	(void)file, (void)pos;
	while (done < n) {
		size_t step = step_to_page(buf, done, n, n);
		if (iobuf_zero(buf, done, step))
			return done ? (long)done : -EFAULT;
		done += step;
	}
	return done;
}

/* Random bytes, a block at a time through a kernel buffer; a fault after some
 * bytes went out returns their count, as read(2) does. */
static long random_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	uint8_t chunk[256];
	size_t done = 0;

	(void)file, (void)pos;
	while (done < n) {
		size_t step = step_to_page(buf, done, n, sizeof(chunk));

		random_bytes(chunk, step);
		if (iobuf_out(buf, done, chunk, step))
			return done ? (long)done : -EFAULT;
		done += step;
	}
	memset(chunk, 0, sizeof(chunk));
	return done;
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write, .poll = mem_poll };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write, .poll = mem_poll };
static const struct file_ops random_ops = {
	.read = random_read, .write = sink_write, .poll = mem_poll,
};

void dev_register_memory(void)
{
	chrdev_register(1, 3, &null_ops);
	chrdev_register(1, 5, &zero_ops);
	chrdev_register(1, 8, &random_ops);
	chrdev_register(1, 9, &random_ops);
}

/* Create name in dir as a node of mode and rdev, unless something is there. */
static int make_node(struct inode *dir, const char *name, unsigned mode, uint64_t rdev)
{
	struct inode *inode;
	int error = dir->ops->create(dir, name, strlen(name), mode, rdev, &inode);

	if (error == -EEXIST)
		return 0;
	if (!error) {
		inode->uid = inode->gid = 0;
		inode_put(inode);
	}
	return error;
}

int fs_populate_dev(void)
{
	static const struct { const char *name; uint32_t major, minor; unsigned perm; } nodes[] = {
		{ "null", 1, 3, 0666 }, { "zero", 1, 5, 0666 }, { "random", 1, 8, 0666 },
		{ "urandom", 1, 9, 0666 }, { "tty", 5, 0, 0666 }, { "console", 5, 1, 0600 },
	};
	struct inode *root = vfs_root(), *dev;
	int error = make_node(root, "dev", S_IFDIR | 0755, 0);

	if (!error)
		error = dir_lookup(root, "dev", 3, &dev);
	if (error)
		return error;
	if (!S_ISDIR(dev->mode))
		error = -ENOTDIR;
	for (unsigned i = 0; !error && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		error = make_node(dev, nodes[i].name, S_IFCHR | nodes[i].perm,
				  dev_encode(nodes[i].major, nodes[i].minor));
	inode_put(dev);
	return error;
}
