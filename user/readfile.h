/*
 * user/readfile.h - reading small /proc files and lines from a pipe with plain
 * read(2), for calf's own programs, the guest tests and the fuzzer.
 *
 * Nothing is allocated: callers pass their own (usually static) buffers, so that
 * reading a counter does not itself fault in fresh memory.
 */
#ifndef CALF_USER_READFILE_H
#define CALF_USER_READFILE_H

#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

/* The whole of a small file into buf, terminated; its length, or -1. */
static inline long read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long total = 0, n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return total;
}

/* One line from fd into line (without the newline, cut at size - 1); 0 at EOF.
 * Read byte by byte, so that nothing after the line is consumed. */
static inline int read_fd_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t got = read(fd, &c, 1);
		if (got <= 0)
			return 0;
		if (c == '\n')
			break;
		if (n + 1 < size)
			line[n++] = c;
	}
	line[n] = 0;
	return 1;
}

#endif
