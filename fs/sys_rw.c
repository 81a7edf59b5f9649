/*
 * fs/sys_rw.c - moving bytes: read, write, their vectored and positioned forms,
 * lseek, sendfile.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "syscall/syscall.h"

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT 0x7ffff000l

/* The position a read or write uses: the file's own, or (unseekable) a scratch. */
static uint64_t *file_position(struct file *file, uint64_t *scratch)
{
	*scratch = 0;
	return file->ops->seekable ? &file->pos : scratch;
}

static long do_io(int fd, void *buf, size_t count, bool writing)
{
	struct file *file;
	uint64_t scratch;
	long result;

	if (!(file = current_file(fd)))
		return -EBADF;
	if (!user_range_ok((uint64_t)buf, count))
		result = (writing ? file_writable(file) : file_readable(file)) ? -EFAULT : -EBADF;
	else if (writing)
		result = file_write(file, iobuf_user(buf), count, file_position(file, &scratch));
	else
		result = file_read(file, iobuf_user(buf), count, file_position(file, &scratch));
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

static long do_pio(int fd, void *buf, size_t count, int64_t offset, bool writing)
{
	struct file *file;
	uint64_t pos = offset;
	long result;

	if (offset < 0)
		return -EINVAL;
	if (!(file = current_file(fd)))
		return -EBADF;
	if (writing ? !file_writable(file) : !file_readable(file))
		result = -EBADF;
	else if (!file->ops->seekable)
		result = -ESPIPE;
	else if (!user_range_ok((uint64_t)buf, count))
		result = -EFAULT;
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

/* Copy in and check an iovec array: 0, -EINVAL (bad count, or lengths that
 * overflow ssize_t), -EFAULT, -ENOMEM. */
static int get_iovecs(const struct linux_iovec *user_iov, int count, struct linux_iovec **out)
{
	struct linux_iovec *iov;
	uint64_t total = 0;

	if (count < 0 || count > UIO_MAXIOV)
		return -EINVAL;
	iov = kmalloc(count ? count * sizeof(*iov) : 1);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, user_iov, count * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (int i = 0; i < count; i++) {
		if ((int64_t)iov[i].len < 0 || iov[i].len > (uint64_t)INT64_MAX - total) {
			kfree(iov);
			return -EINVAL;
		}
		total += iov[i].len;
		if (!user_range_ok(iov[i].base, iov[i].len)) {
			kfree(iov);
			return -EFAULT;
		}
	}
	*out = iov;
	return 0;
}

/* Vectored I/O: one segment after the other, stopping at the first short one. */
static long do_iov(struct file *file, const struct linux_iovec *user_iov, int count,
		   uint64_t *pos, bool writing)
{
	struct linux_iovec *iov;
	long total = 0;
	int error;

	if (writing ? !file_writable(file) : !file_readable(file))
		return -EBADF;
	error = get_iovecs(user_iov, count, &iov);
	if (error)
		return error;
	for (int i = 0; i < count && total < MAX_RW_COUNT; i++) {
		size_t len = iov[i].len;
		if (len > (size_t)(MAX_RW_COUNT - total))
			len = MAX_RW_COUNT - total;
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
	return total;
}

static long vector_io(int fd, const struct linux_iovec *iov, int count, int64_t offset,
		      bool positioned, bool writing)
{
	struct file *file = current_file(fd);
	uint64_t scratch, pos = offset;
	long result;

	if (!file)
		return -EBADF;
	if (positioned && offset < 0)
		result = -EINVAL;
	else if (positioned && !file->ops->seekable)
		result = -ESPIPE;
	else
		result = do_iov(file, iov, count,
				positioned ? &pos : file_position(file, &scratch), writing);
	file_put(file);
	return result;
}

SYSCALL_DEFINE3(readv, int, fd, const struct linux_iovec *, iov, int, count)
{
	return vector_io(fd, iov, count, 0, false, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct linux_iovec *, iov, int, count)
{
	return vector_io(fd, iov, count, 0, false, true);
}

SYSCALL_DEFINE4(preadv, int, fd, const struct linux_iovec *, iov, int, count, int64_t, offset)
{
	return vector_io(fd, iov, count, offset, true, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct linux_iovec *, iov, int, count, int64_t, offset)
{
	return vector_io(fd, iov, count, offset, true, true);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, offset, int, whence)
{
	struct file *file = current_file(fd);
	int64_t result;

	if (!file)
		return -EBADF;
	result = file->flags & O_PATH ? -EBADF : file_lseek(file, offset, whence);
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

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, int64_t *, offset, size_t, count)
{
	struct file *in = current_file(in_fd), *out = current_file(out_fd);
	int64_t pos = 0;
	long result = 0;

	if (!in || !out || !file_readable(in) || !file_writable(out))
		result = -EBADF;
	else if (offset && get_user(pos, offset))
		result = -EFAULT;
	else if (offset && (pos < 0 || !in->ops->seekable))
		result = pos < 0 ? -EINVAL : -ESPIPE;
	else if (out->flags & O_APPEND)
		result = -EINVAL;
	if (!result) {
		uint64_t upos = pos;
		if (count > MAX_RW_COUNT)
			count = MAX_RW_COUNT;
		result = copy_between(in, out, offset ? &upos : NULL, count);
		if (offset && put_user((int64_t)upos, offset) && result >= 0)
			result = -EFAULT;
	}
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return result;
}
