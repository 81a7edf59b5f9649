/*
 * proc/exec_args.c - collecting execve's strings.
 */
#include "proc/exec_args.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "lib/errno.h"
#include "lib/string.h"

#define INITIAL_CAPACITY (16 * 1024)

/* Make room for `extra` more bytes. */
static int reserve(struct exec_args *args, size_t extra)
{
	if (args->used + extra <= args->capacity)
		return 0;
	if (args->used + extra > EXEC_ARG_MAX + EXEC_STRING_MAX)
		return -E2BIG;
	size_t capacity = args->capacity ? args->capacity : INITIAL_CAPACITY;
	while (capacity < args->used + extra)
		capacity *= 2;
	char *strings = kmalloc(capacity);
	if (!strings)
		return -ENOMEM;
	if (args->strings)
		memcpy(strings, args->strings, args->used);
	kfree(args->strings);
	args->strings = strings;
	args->capacity = capacity;
	return 0;
}

static int append_user_string(struct exec_args *args, const char *user_string)
{
	int error = reserve(args, EXEC_STRING_MAX);

	if (error)
		return error;
	long length = strncpy_from_user(args->strings + args->used, user_string, EXEC_STRING_MAX);
	if (length == -ENAMETOOLONG)
		return -E2BIG;
	if (length < 0)
		return length;
	args->used += length + 1;
	return args->used > EXEC_ARG_MAX ? -E2BIG : 0;
}

static int append_kernel_string(struct exec_args *args, const char *string)
{
	size_t length = strlen(string) + 1;
	int error = reserve(args, length);

	if (error)
		return error;
	memcpy(args->strings + args->used, string, length);
	args->used += length;
	return 0;
}

static int append_user_array(struct exec_args *args, const char *const *array, int *count)
{
	for (*count = 0; array; (*count)++) {
		const char *string;
		if (get_user(string, array + *count))
			return -EFAULT;
		if (!string)
			return 0;
		int error = append_user_string(args, string);
		if (error)
			return error;
	}
	return 0;
}

int exec_args_from_user(struct exec_args *args, const char *const *argv,
			const char *const *envp)
{
	int error = append_user_array(args, argv, &args->argc);

	return error ? error : append_user_array(args, envp, &args->envc);
}

int exec_args_from_kernel(struct exec_args *args, const char *const *argv,
			  const char *const *envp)
{
	int error = 0;

	for (args->argc = 0; argv && argv[args->argc] && !error; args->argc++)
		error = append_kernel_string(args, argv[args->argc]);
	for (args->envc = 0; envp && envp[args->envc] && !error; args->envc++)
		error = append_kernel_string(args, envp[args->envc]);
	return error;
}

int exec_args_replace_first(struct exec_args *args, const char *const *words, int count)
{
	size_t skip = args->argc > 0 ? strlen(args->strings) + 1 : 0;
	struct exec_args fresh = { 0 };
	int error = 0;

	for (int i = 0; i < count && !error; i++)
		error = append_kernel_string(&fresh, words[i]);
	if (!error)
		error = reserve(&fresh, args->used - skip);
	if (error) {
		exec_args_free(&fresh);
		return error;
	}
	memcpy(fresh.strings + fresh.used, args->strings + skip, args->used - skip);
	fresh.used += args->used - skip;
	if (fresh.used > EXEC_ARG_MAX) {
		exec_args_free(&fresh);
		return -E2BIG;
	}
	fresh.argc = count + (args->argc > 0 ? args->argc - 1 : 0);
	fresh.envc = args->envc;
	exec_args_free(args);
	*args = fresh;
	return 0;
}

void exec_args_free(struct exec_args *args)
{
	kfree(args->strings);
	args->strings = NULL;
	args->used = args->capacity = 0;
}
