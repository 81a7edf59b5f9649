/*
 * proc/exec_args.h - the argument and environment strings of an execve, held in the
 * kernel while the old image is torn down and the new stack is built.
 */
#ifndef CALF_PROC_EXEC_ARGS_H
#define CALF_PROC_EXEC_ARGS_H

#include <stddef.h>

/* Linux's limits: a quarter of the default 8 MiB stack, 32 pages per string. */
#define EXEC_ARG_MAX	(2ul << 20)
#define EXEC_STRING_MAX	(32ul * 4096)

struct exec_args {
	char *strings;		/* argc strings, then envc strings, each NUL-terminated */
	size_t used, capacity;
	int argc, envc;
};

/* Append the NULL-terminated user arrays (either may be NULL: empty). 0, -EFAULT,
 * -E2BIG or -ENOMEM. */
int exec_args_from_user(struct exec_args *args, const char *const *argv,
			const char *const *envp);
/* The same from kernel arrays (for init). */
int exec_args_from_kernel(struct exec_args *args, const char *const *argv,
			  const char *const *envp);

/* Replace argv[0] by the given words, for a #! script: interpreter, optional
 * argument, script path. 0, -E2BIG or -ENOMEM. */
int exec_args_replace_first(struct exec_args *args, const char *const *words, int count);

void exec_args_free(struct exec_args *args);

#endif
