/*
 * fs/sys_rw.c - moving bytes: read, write, their vectored and positioned forms,
 * lseek, sendfile.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT 0x7ffff000l

/* The position a read or write uses: the file's own, or (unseekable) a scratch. */
static uint64_t *file_position(struct file *file, uint64_t *scratch)
{
	*scratch = 0;
	return file->ops->seekable ? &file->pos : scratch;
}

/* Does the file take pread/pwrite (Linux's FMODE_PREAD)? All but pipes and
 * terminals: the memory devices ignore the position. */
static bool file_positional(const struct file *file)
{
	return file->ops->seekable || (S_ISCHR(file->inode->mode) && !file->ops->is_tty);
}

/* Linux's rw_verify_area: a count that is negative as a ssize_t, or one that takes
 * the position past the largest file offset, is EINVAL. */
static int verify_area(uint64_t pos, size_t count)
{
	if ((int64_t)count < 0 || (int64_t)pos < 0 || (int64_t)(pos + count) < 0)
		return -EINVAL;
	return 0;
}

/*
 * Linux's order for read and write (vfs_read, vfs_write): the file's access mode
 * (EBADF; O_PATH files have none), the operation (EINVAL), the whole buffer in user
 * space (EFAULT), the range of positions (EINVAL).
 */
static long rw_checks(struct file *file, void *buf, size_t count, uint64_t pos, bool writing)
{
	if (writing ? !file_writable(file) : !file_readable(file))
		return -EBADF;
	if (!(writing ? file->ops->write : file->ops->read))
		return -EINVAL;
	if (!user_range_ok((uint64_t)buf, count))
		return -EFAULT;
	return verify_area(pos, count);
}

static long do_io(int fd, void *buf, size_t count, bool writing)
{
	struct file *file;
	uint64_t scratch;
	long result;

	if (!(file = current_file(fd)))
		return -EBADF;
	uint64_t *pos = file_position(file, &scratch);
	result = rw_checks(file, buf, count, *pos, writing);
	if (!result && writing)
		result = file_write(file, iobuf_user(buf), count, pos);
	else if (!result)
		result = file_read(file, iobuf_user(buf), count, pos);
	file_put(file);
	return result;
}

SYSCALL_DEFINE3(read, int, fd, void *, buf, size_t, count)
{
	return do_io(fd, buf, count, false);
}

SYSCALL_DEFINE3(write, int, fd, const void *, buf, size_t, count)
{
	return do_io(fd, (void *)buf, count, true);
}

/* Linux's order (ksys_pread64): a negative offset, the descriptor, a file without
 * positions (ESPIPE, even for the wrong access mode), then as read and write. */
static long do_pio(int fd, void *buf, size_t count, int64_t offset, bool writing)
{
	struct file *file;
	uint64_t pos = offset;
	long result;

	if (offset < 0)
		return -EINVAL;
	if (!(file = current_file(fd)))
		return -EBADF;
	if (file->flags & O_PATH)
		result = -EBADF;	/* Linux does not even find an O_PATH descriptor */
	else if (!file_positional(file))
		result = -ESPIPE;
	else
		result = rw_checks(file, buf, count, pos, writing);
	if (result)
		;
	else if (writing)	/* with O_APPEND Linux appends anyway (a known bug) */
		result = file_write(file, iobuf_user(buf), count, &pos);
	else
		result = file_read(file, iobuf_user(buf), count, &pos);
	file_put(file);
	return result;
}

SYSCALL_DEFINE4(pread64, int, fd, void *, buf, size_t, count, int64_t, offset)
{
	return do_pio(fd, buf, count, offset, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, const void *, buf, size_t, count, int64_t, offset)
{
	return do_pio(fd, (void *)buf, count, offset, true);
}

/*
 * Copy in and check an iovec array as Linux's import_iovec does: a count above
 * UIO_MAXIOV (EINVAL), the array (EFAULT; none is read for a count of 0), any
 * negative length (EINVAL), then each segment in user space (EFAULT), the lengths
 * cut down so that the total is at most MAX_RW_COUNT. *total is that total.
 */
static int get_iovecs(const struct linux_iovec *user_iov, unsigned count,
		      struct linux_iovec **out, size_t *total)
{
	struct linux_iovec *iov;

	*total = 0;
	if (count > UIO_MAXIOV)
		return -EINVAL;
	iov = kmalloc(count ? count * sizeof(*iov) : 1);
	if (!iov)
		return -ENOMEM;
	if (count && copy_from_user(iov, user_iov, count * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (unsigned i = 0; i < count; i++) {
		if ((int64_t)iov[i].len < 0) {
			kfree(iov);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < count; i++) {
		if (!user_range_ok(iov[i].base, iov[i].len)) {
			kfree(iov);
			return -EFAULT;
		}
		if (iov[i].len > MAX_RW_COUNT - *total)
			iov[i].len = MAX_RW_COUNT - *total;
		*total += iov[i].len;
	}
	*out = iov;
	return 0;
}

/*
 * Vectored I/O (Linux's vfs_readv/vfs_writev): the vector first, then the access
 * mode (EBADF), the operation (EINVAL), nothing to do for a total of 0, the range
 * of positions (EINVAL); then one segment after the other, stopping at the first
 * short one.
 */
static long do_iov(struct file *file, const struct linux_iovec *user_iov, unsigned count,
		   uint64_t *pos, bool writing)
{
	struct linux_iovec *iov;
	size_t size;
	long total = 0;
	int error = get_iovecs(user_iov, count, &iov, &size);

	if (error)
		return error;
	if (writing ? !file_writable(file) : !file_readable(file))
		error = -EBADF;
	else if (!(writing ? file->ops->write : file->ops->read))
		error = -EINVAL;
	else if (size)
		error = verify_area(*pos, size);
	for (unsigned i = 0; !error && i < count; i++) {
		size_t len = iov[i].len;
		if (!len)
			continue;
		struct iobuf buf = iobuf_user((void *)iov[i].base);
		long done = writing ? file_write(file, buf, len, pos) : file_read(file, buf, len, pos);
		if (done < 0) {
			if (!total)
				total = done;
			break;
		}
		total += done;
		if ((size_t)done < len)
			break;
	}
	kfree(iov);
	return error ? error : total;
}

/* The count is an unsigned int for Linux: higher bits are ignored. */
static long vector_io(int fd, const struct linux_iovec *iov, unsigned count, int64_t offset,
		      bool positioned, bool writing)
{
	struct file *file;
	uint64_t scratch, pos = offset;
	long result;

	if (positioned && offset < 0)
		return -EINVAL;
	if (!(file = current_file(fd)))
		return -EBADF;
	if (file->flags & O_PATH)
		result = -EBADF;	/* Linux does not even find an O_PATH descriptor */
	else if (positioned && !file_positional(file))
		result = -ESPIPE;
	else
		result = do_iov(file, iov, count,
				positioned ? &pos : file_position(file, &scratch), writing);
	file_put(file);
	return result;
}

SYSCALL_DEFINE3(readv, int, fd, const struct linux_iovec *, iov, unsigned, count)
{
	return vector_io(fd, iov, count, 0, false, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct linux_iovec *, iov, unsigned, count)
{
	return vector_io(fd, iov, count, 0, false, true);
}

SYSCALL_DEFINE4(preadv, int, fd, const struct linux_iovec *, iov, unsigned, count, int64_t, offset)
{
	return vector_io(fd, iov, count, offset, true, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct linux_iovec *, iov, unsigned, count, int64_t, offset)
{
	return vector_io(fd, iov, count, offset, true, true);
}

#define SEEK_MAX 4	/* SEEK_HOLE */

/* Linux's order: the descriptor (O_PATH files have none), whence, then the file. */
SYSCALL_DEFINE3(lseek, int, fd, int64_t, offset, int, whence)
{
	struct file *file = current_file(fd);
	int64_t result;

	if (!file)
		return -EBADF;
	if (file->flags & O_PATH)
		result = -EBADF;
	else if ((unsigned)whence > SEEK_MAX)
		result = -EINVAL;
	else
		result = file_lseek(file, offset, whence);
	file_put(file);
	return result;
}

/*
 * Copy count bytes from in to out through a kernel page, at *pos of in (its own
 * position when pos is NULL). Returns the bytes moved or the first error.
 */
static long copy_between(struct file *in, struct file *out, uint64_t *pos, size_t count)
{
	char *bounce = kmalloc(PAGE_SIZE);
	uint64_t scratch, out_scratch;
	long total = 0;

	if (!bounce)
		return -ENOMEM;
	if (!pos)
		pos = file_position(in, &scratch);
	while ((size_t)total < count) {
		size_t chunk = count - total < PAGE_SIZE ? count - total : PAGE_SIZE;
		long got = file_read(in, iobuf_kernel(bounce), chunk, pos);
		if (got <= 0) {
			if (!total)
				total = got;
			break;
		}
		long put = file_write(out, iobuf_kernel(bounce), got, file_position(out, &out_scratch));
		if (put < 0) {
			if (!total)
				total = put;
			break;
		}
		total += put;
		if (put < got || (size_t)got < chunk)
			break;
	}
	kfree(bounce);
	return total;
}

/*
 * Linux's do_sendfile order: the input (EBADF, not readable: EBADF), an offset for
 * an input without positions (ESPIPE), its range (EINVAL: a count negative as a
 * ssize_t, or one that runs past the largest offset), the output (EBADF, not
 * writable: EBADF; appending: EINVAL), its range (EINVAL).
 */
static long do_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count)
{
	struct file *in = current_file(in_fd), *out = NULL;
	uint64_t scratch;
	long result;

	if (!in)
		return -EBADF;
	uint64_t pos = offset ? (uint64_t)*offset : *file_position(in, &scratch);
	if (!file_readable(in))
		result = -EBADF;
	else if (offset && !file_positional(in))
		result = -ESPIPE;
	else
		result = verify_area(pos, count);
	if (!result) {
		if (count > MAX_RW_COUNT)
			count = MAX_RW_COUNT;
		out = current_file(out_fd);
		if (!out || !file_writable(out))
			result = -EBADF;
		else if ((out->flags & O_APPEND) && !S_ISFIFO(out->inode->mode))
			result = -EINVAL;
		else
			result = verify_area(*file_position(out, &scratch), count);
		/* Linux 6.1 splices only from a regular file to anything but a pipe, and
		 * never from a pipe. */
		if (!result && (S_ISFIFO(in->inode->mode) ||
				(!S_ISREG(in->inode->mode) && !S_ISFIFO(out->inode->mode))))
			result = -EINVAL;
	}
	if (!result) {
		result = copy_between(in, out, offset ? &pos : NULL, count);
		if (offset)
			*offset = pos;
	}
	if (out)
		file_put(out);
	file_put(in);
	return result;
}

/* The offset is read first and written back last, whatever happened in between:
 * a bad pointer for it is EFAULT either way (Linux). */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, int64_t *, offset, size_t, count)
{
	int64_t pos;
	long result;

	if (!offset)
		return do_sendfile(out_fd, in_fd, NULL, count);
	if (get_user(pos, offset))
		return -EFAULT;
	result = do_sendfile(out_fd, in_fd, &pos, count);
	if (put_user(pos, offset))
		return -EFAULT;
	return result;
}
