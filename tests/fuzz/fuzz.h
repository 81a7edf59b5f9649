/*
 * fuzz.h - what the parts of the syscall fuzzer share.
 *
 * The coordinator (fuzz.c) keeps a bounded population of workers, each in its own
 * process group; a worker (worker.c) runs the random loop and forks children that
 * run it too. Each iteration picks one operation (ops_*.c) by weight; operations
 * draw their arguments from args.c and issue system calls through fz_call, which
 * counts them in the shared statistics (stats.c).
 */
#ifndef FUZZ_H
#define FUZZ_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rng.h"

#define FZ_MAX_MAPS	24	/* mappings a process remembers making */
#define FZ_MAX_FDS	32	/* descriptors it remembers opening */
#define FZ_MAX_KIDS	3	/* live children of one process */
#define FZ_MAX_LEVEL	2	/* worker = 0, its children 1, grandchildren 2 */
#define FZ_SCRATCH	(64 * 1024)	/* a process's own buffer for I/O */
#define FZ_TOUCH_MAX	64	/* pages touched per mapping: memory stays bounded */
#define FZ_ROOT		"/tmp/fuzz"	/* every file the fuzzer makes is under it */
#define FZ_NOBODY	65534	/* the uid children drop to */

struct fz_map {
	uint64_t addr, len;
};

/* One fuzzing process: everything its operations know about it. */
struct fz {
	uint64_t rng;
	uint64_t seed;		/* what rng started from; children derive theirs */
	int worker;		/* worker number */
	int level;		/* 0 for the worker, +1 per fork */
	int privileged;		/* still root: raw calls get no garbage memory */
	long budget;		/* operations left before a clean exit */
	int forks;		/* children made so far (seeds their generators) */
	struct fz_map maps[FZ_MAX_MAPS];
	int nmaps;
	int fds[FZ_MAX_FDS];
	int nfds;
	pid_t kids[FZ_MAX_KIDS];
	int nkids;
	char dir[48];		/* the worker's sandbox directory */
	char *scratch;		/* FZ_SCRATCH bytes, garbage, read and written by calls */
	char *zero;		/* one page, zeroed before each raw call of a root process */
	char *ro;		/* one read-only page */
	char *none;		/* one PROT_NONE page */
	char *self;		/* the fuzzer's own path, for exec */
	int has_writer;		/* a sibling thread writes pages of ours (ops_proc.c) */
};

/* fz_call: a system call, counted; returns its raw result (-errno on failure). */
long fz_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
#define FZ0(nr)				fz_call(nr, 0, 0, 0, 0, 0, 0)
#define FZ1(nr, a)			fz_call(nr, (long)(a), 0, 0, 0, 0, 0)
#define FZ2(nr, a, b)			fz_call(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define FZ3(nr, a, b, c)		fz_call(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define FZ4(nr, a, b, c, d)		fz_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define FZ5(nr, a, b, c, d, e)		fz_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define FZ6(nr, a, b, c, d, e, g)	fz_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(g))

/* stats.c: counters in a shared file mapping, so exec'd children count too. */
int stats_create(void);
int stats_attach(void);
void stats_count(long nr, long result);
void stats_note_process(void);
void stats_note_exec(void);
void stats_writer_counters(uint64_t **rounds, uint64_t **lost);
void stats_writers(uint64_t *writers, uint64_t *rounds, uint64_t *lost);
void stats_print(void);
void stats_detach(void);
int stats_intact(void);

/* args.c: arguments, good, bad and borderline. */
uint64_t arg_addr(struct fz *f);		/* any address, mostly interesting ones */
uint64_t arg_user_addr(struct fz *f);		/* a valid buffer, or a bad one */
uint64_t arg_target_addr(struct fz *f);	/* for munmap and the like */
uint64_t arg_len(struct fz *f);
uint64_t arg_page_len(struct fz *f);
long arg_fd(struct fz *f);
long arg_int(struct fz *f);
uint64_t arg_bits(struct fz *f, uint64_t likely);
const char *arg_path(struct fz *f, char *buf, size_t size);	/* read-only use */
const char *arg_own_path(struct fz *f, char *buf, size_t size);	/* may be changed */
void fz_remember_fd(struct fz *f, long fd);
void fz_forget_fd(struct fz *f, int fd);
void fz_remember_map(struct fz *f, uint64_t addr, uint64_t len);
void fz_forget_map(struct fz *f, uint64_t addr, uint64_t len);

/* files.c: the sandbox's files. */
void files_populate(struct fz *f);
void files_write_bad_program(struct fz *f, const char *path);
void files_write_script(struct fz *f, const char *path);

/* worker.c */
void worker_main(int worker, uint64_t seed, long budget) __attribute__((noreturn));
void worker_exec_main(int argc, char **argv) __attribute__((noreturn));
pid_t fz_fork(struct fz *f);
int fz_kid_is_ours(pid_t pid);
void fz_loop(struct fz *f);
int fz_past_deadline(void);

/* The operations, one table per family; weights are relative. */
struct fz_op {
	const char *name;
	int weight;
	void (*run)(struct fz *f);
};
extern const struct fz_op fz_mem_ops[], fz_proc_ops[], fz_io_ops[], fz_misc_ops[], fz_ipc_ops[];

#endif
