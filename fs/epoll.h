/*
 * fs/epoll.h - epoll instances (fs/epoll.c) as the epoll system calls
 * (fs/sys_epoll.c) use them.
 *
 * An epoll instance is a file whose private data is a struct epoll: the set of
 * watched (file, fd) pairs and a ready list. Registration is on the open file
 * description, not the descriptor: a watched file stays watched while any
 * descriptor (in any process) refers to it, and its last file_put removes it
 * (epoll_file_gone, fs/vfs.h).
 */
#ifndef CALF_FS_EPOLL_H
#define CALF_FS_EPOLL_H

#include <stdbool.h>
#include <stdint.h>

#define EPOLLIN        0x001u
#define EPOLLOUT       0x004u
#define EPOLLERR       0x008u
#define EPOLLHUP       0x010u
#define EPOLLRDHUP     0x2000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)
/* Flags that say how to report, never reported themselves. */
#define EPOLL_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* struct epoll_event: packed on x86-64. */
struct linux_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct file;
struct epoll;

/* A new epoll file, open with flags (O_CLOEXEC is the caller's): 0 or -ENOMEM. */
int epoll_create_file(struct file **out);
/* The instance behind file, or NULL when file is not an epoll. */
struct epoll *epoll_of(struct file *file);

/*
 * epoll_ctl's operations on (target, fd); target's poll_queue must not be NULL.
 * epoll_add: 0, -EEXIST, -ELOOP (target is an epoll that contains ep, or nests
 * too deep), -ENOMEM. epoll_mod: 0, -ENOENT, -EINVAL (registered with
 * EPOLLEXCLUSIVE). epoll_del: 0, -ENOENT.
 */
int epoll_add(struct epoll *ep, struct file *target, int fd, uint32_t events, uint64_t data);
int epoll_mod(struct epoll *ep, struct file *target, int fd, uint32_t events, uint64_t data);
int epoll_del(struct epoll *ep, struct file *target, int fd);

/*
 * Up to max ready events into the user array out, waiting until deadline_ns
 * (POLL_NOW, POLL_FOREVER or an absolute time). Returns the count (0: timed out),
 * -EINTR, -ENOMEM, or -EFAULT (out cannot be written: the events found are lost,
 * where Linux would keep the first one queued).
 */
int epoll_wait_user(struct epoll *ep, struct linux_epoll_event *out, int max,
		    uint64_t deadline_ns);

#endif
