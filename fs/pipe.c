/*
 * fs/pipe.c - pipes: a 64 KiB ring of bytes between a read end and a write end.
 *
 * The ring's 16 pages are allocated when a write first reaches them and freed
 * with the pipe, so the many short-lived pipes of a shell cost a page each.
 * F_SETPIPE_SZ gives the ring another size (a power of two, at least a page). A pipe
 * is an anonymous S_IFIFO inode (what fstat shows); its two ends are struct files
 * on it, and it dies with the inode when both are closed.
 *
 * Readers and writers sleep on one wait queue; every change wakes it (and poll),
 * saying which side it concerns (a read makes room: POLLOUT; a write brings data:
 * POLLIN), so that an edge-triggered epoll hears only of new edges, as on Linux.
 * Writes of at most PIPE_BUF bytes are atomic: they wait until they fit whole.
 * Only processes touch a pipe (never an interrupt handler), and the kernel is not
 * preemptible, so no lock is needed on one CPU.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"

#define PIPE_SIZE  (64 * 1024)
#define PIPE_PAGES (PIPE_SIZE / PAGE_SIZE)
#define PIPE_BUF   4096

struct pipe {
	struct page **pages;		/* size / PAGE_SIZE, NULL until first written */
	uint32_t size;			/* bytes the ring holds: PIPE_SIZE unless resized */
	uint32_t head;			/* ring offset of the first unread byte */
	uint32_t count;			/* unread bytes */
	unsigned readers, writers;	/* open ends */
	struct wait_queue wait;
};

static struct superblock *pipe_sb;

static void pipe_evict(struct inode *inode)
{
	struct pipe *pipe = inode->private;

	for (unsigned i = 0; i < pipe->size / PAGE_SIZE; i++)
		if (pipe->pages[i])
			frame_put(pipe->pages[i]);
	kfree(pipe->pages);
	kfree(pipe);
}

static const struct inode_ops pipe_inode_ops = { .evict = pipe_evict };

/* Copy n bytes between the ring at offset `at` and buf at `done`; the pages exist. */
static int ring_out(struct pipe *pipe, uint32_t at, struct iobuf buf, size_t done, size_t n)
{
	while (n > 0) {
		uint32_t in_page = at % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in_page < n ? PAGE_SIZE - in_page : n;
		char *src = (char *)page_address(pipe->pages[at / PAGE_SIZE]) + in_page;

		if (iobuf_out(buf, done, src, chunk))
			return -EFAULT;
		at = (at + chunk) % pipe->size;
		done += chunk;
		n -= chunk;
	}
	return 0;
}

/* The reverse, allocating pages on the way: 0, -ENOMEM or -EFAULT (bytes copied
 * before the error are left in place but not yet counted). */
static int ring_in(struct pipe *pipe, uint32_t at, struct iobuf buf, size_t done, size_t n)
{
	while (n > 0) {
		uint32_t in_page = at % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in_page < n ? PAGE_SIZE - in_page : n;
		struct page **page = &pipe->pages[at / PAGE_SIZE];

		if (!*page && !(*page = frame_alloc(PAGE_KERNEL, 0)))
			return -ENOMEM;
		if (iobuf_in(buf, done, (char *)page_address(*page) + in_page, chunk))
			return -EFAULT;
		at = (at + chunk) % pipe->size;
		done += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * Read: waits for data (unless O_NONBLOCK: -EAGAIN) while a writer is left;
 * 0 at end of file; -ERESTARTSYS when a signal comes first.
 */
static long pipe_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct pipe *pipe = file->inode->private;
	size_t take;

	(void)pos;
	if (n == 0)
		return 0;
	while (pipe->count == 0) {
		if (pipe->writers == 0)
			return 0;
		if (file->flags & O_NONBLOCK)
			return -EAGAIN;
		if (FS_WAIT_EVENT(&pipe->wait, pipe->count > 0 || pipe->writers == 0))
			return -ERESTARTSYS;
	}
	take = n < pipe->count ? n : pipe->count;
	if (ring_out(pipe, pipe->head, buf, 0, take))
		return -EFAULT;	/* nothing consumed: the data stays for the next read */
	pipe->head = (pipe->head + take) % pipe->size;
	pipe->count -= take;
	fs_wake_events(&pipe->wait, POLLOUT | POLLWRNORM);
	return take;
}

/* Room for `want` more bytes of a write of n in total: all of them at once for
 * an atomic write (at most PIPE_BUF), at least one byte for a longer one. */
static bool room(struct pipe *pipe, size_t want, size_t n)
{
	size_t space = pipe->size - pipe->count;

	return n <= PIPE_BUF ? space >= want : space > 0;
}

/*
 * Write everything (blocking) or what fits (O_NONBLOCK). Returns the count, or
 * -EPIPE with SIGPIPE when no reader is left, -EAGAIN, -ERESTARTSYS, -EFAULT,
 * -ENOMEM when nothing was written.
 */
static long pipe_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct pipe *pipe = file->inode->private;
	size_t done = 0;
	int error = 0;

	(void)pos;
	while (done < n) {
		if (pipe->readers == 0) {
			task_signal_self(SIGPIPE);
			error = -EPIPE;
			break;
		}
		if (!room(pipe, n - done, n)) {
			if (file->flags & O_NONBLOCK) {
				error = -EAGAIN;
				break;
			}
			/* The last reader's close must end the wait too: it never
			 * makes room, and the loop's top then raises SIGPIPE. */
			if (FS_WAIT_EVENT(&pipe->wait, pipe->readers == 0 ||
						       room(pipe, n - done, n))) {
				error = -ERESTARTSYS;
				break;
			}
			continue;
		}
		size_t space = pipe->size - pipe->count;
		size_t chunk = n - done < space ? n - done : space;
		error = ring_in(pipe, (pipe->head + pipe->count) % pipe->size, buf, done, chunk);
		if (error)
			break;
		pipe->count += chunk;
		done += chunk;
		fs_wake_events(&pipe->wait, POLLIN | POLLRDNORM);
	}
	return done ? (long)done : error;
}

static unsigned pipe_poll(struct file *file)
{
	struct pipe *pipe = file->inode->private;
	unsigned events = 0;

	if (file_readable(file)) {
		if (pipe->count)
			events |= POLLIN | POLLRDNORM;
		if (!pipe->writers)
			events |= POLLHUP;
	}
	if (file_writable(file)) {
		if (pipe->size - pipe->count >= PIPE_BUF)
			events |= POLLOUT | POLLWRNORM;
		if (!pipe->readers)
			events |= POLLERR;
	}
	return events;
}

static struct wait_queue *pipe_poll_queue(struct file *file)
{
	struct pipe *pipe = file->inode->private;

	return &pipe->wait;
}

static long pipe_ioctl(struct file *file, unsigned cmd, uint64_t arg)
{
	struct pipe *pipe = file->inode->private;

	if (cmd != FIONREAD)
		return -ENOTTY;
	int count = pipe->count;
	return copy_to_user((int *)arg, &count, sizeof(count));
}

static int pipe_open(struct inode *inode, struct file *file)
{
	struct pipe *pipe = inode->private;

	if (file_readable(file))
		pipe->readers++;
	if (file_writable(file))
		pipe->writers++;
	return 0;
}

static void pipe_release(struct file *file)
{
	struct pipe *pipe = file->inode->private;

	if (file_readable(file))
		pipe->readers--;
	if (file_writable(file))
		pipe->writers--;
	fs_wake(&pipe->wait);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.poll_queue = pipe_poll_queue,
	.open = pipe_open,
	.release = pipe_release,
};

static struct fs_type pipefs_type = { .name = "pipefs" };

/*
 * A new pipe: its read end and write end, each with O_NONBLOCK if flags has it.
 * Returns 0, or -ENOMEM (then nothing is left allocated).
 */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end)
{
	struct pipe *pipe;
	struct inode *inode;
	int error;

	if (!pipe_sb && !(pipe_sb = sb_alloc(&pipefs_type)))
		return -ENOMEM;
	pipe_sb->magic = PIPEFS_MAGIC;
	pipe = kzalloc(sizeof(*pipe));
	if (pipe) {
		pipe->size = PIPE_SIZE;
		pipe->pages = kzalloc(PIPE_PAGES * sizeof(*pipe->pages));
	}
	inode = pipe && pipe->pages ? inode_alloc(pipe_sb, S_IFIFO | 0600) : NULL;
	if (!inode) {
		if (pipe)
			kfree(pipe->pages);
		kfree(pipe);
		return -ENOMEM;
	}
	wait_queue_init(&pipe->wait);
	inode->private = pipe;
	inode->ops = &pipe_inode_ops;
	inode->fops = &pipe_ops;
	flags &= O_NONBLOCK;
	error = file_open_inode(inode, O_RDONLY | flags, read_end);
	if (!error) {
		error = file_open_inode(inode, O_WRONLY | flags, write_end);
		if (error)
			file_put(*read_end);
	}
	inode_put(inode);	/* the files hold it now (or it dies here) */
	return error;
}

long pipe_get_size(struct file *file)
{
	struct pipe *pipe = file->inode->private;

	return pipe->size;
}

/*
 * F_SETPIPE_SZ with the size already rounded (Linux's round_pipe_size): the ring
 * is rebuilt at the new size with the unread bytes at its start. -EBUSY when they
 * would not fit, -ENOMEM. Returns the new size.
 */
long pipe_set_size(struct file *file, uint32_t size)
{
	struct pipe *pipe = file->inode->private;
	struct page **pages;

	if (size == pipe->size)
		return size;
	if (pipe->count > size)
		return -EBUSY;
	pages = kzalloc(size / PAGE_SIZE * sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	for (uint32_t done = 0; done < pipe->count;) {
		uint32_t from = (pipe->head + done) % pipe->size;
		uint32_t chunk = PAGE_SIZE - (from % PAGE_SIZE);
		if (chunk > PAGE_SIZE - done % PAGE_SIZE)
			chunk = PAGE_SIZE - done % PAGE_SIZE;
		if (chunk > pipe->count - done)
			chunk = pipe->count - done;
		struct page **to = &pages[done / PAGE_SIZE];
		if (!*to && !(*to = frame_alloc(PAGE_KERNEL, 0))) {
			for (uint32_t i = 0; i < size / PAGE_SIZE; i++)
				if (pages[i])
					frame_put(pages[i]);
			kfree(pages);
			return -ENOMEM;
		}
		memcpy((char *)page_address(*to) + done % PAGE_SIZE,
		       (char *)page_address(pipe->pages[from / PAGE_SIZE]) + from % PAGE_SIZE, chunk);
		done += chunk;
	}
	for (uint32_t i = 0; i < pipe->size / PAGE_SIZE; i++)
		if (pipe->pages[i])
			frame_put(pipe->pages[i]);
	kfree(pipe->pages);
	pipe->pages = pages;
	pipe->size = size;
	pipe->head = 0;
	fs_wake(&pipe->wait);
	return size;
}
