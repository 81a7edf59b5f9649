/*
 * user/vmstat.h - read calf's memory figures from /proc, for cowdemo and the tests.
 *
 * Reading uses a static buffer and plain read(2), so that taking a snapshot
 * allocates nothing and, once done once, writes only to pages it wrote before: a
 * snapshot must not itself cause the copy-on-write faults it is there to count.
 */
#ifndef CALF_USER_VMSTAT_H
#define CALF_USER_VMSTAT_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "readfile.h"

struct vm_snapshot {
	long mem_free_kb;
	long cow_fault, cow_copy, cow_reuse;
	long fork_pages_copied, fork_pages_shared;
	long table_copy, table_reuse;	/* fork_mode=sharedpt's tables */
};

static char vm_text[8192];

/* The whole of a small file into vm_text; its length, or -1. */
static inline long vm_read_file(const char *path)
{
	return read_small_file(path, vm_text, sizeof vm_text);
}

/* The number after "name" + separator at the start of a line of vm_text, or -1. */
static inline long vm_field(const char *name)
{
	size_t len = strlen(name);

	for (const char *line = vm_text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, name, len) == 0 && (line[len] == ' ' || line[len] == ':'))
			return strtol(line + len + 1, NULL, 10);
	}
	return -1;
}

static inline void vm_snapshot(struct vm_snapshot *s)
{
	vm_read_file("/proc/meminfo");
	s->mem_free_kb = vm_field("MemFree");
	vm_read_file("/proc/vmstat");
	s->cow_fault = vm_field("cow_fault");
	s->cow_copy = vm_field("cow_copy");
	s->cow_reuse = vm_field("cow_reuse");
	s->fork_pages_copied = vm_field("fork_pages_copied");
	s->fork_pages_shared = vm_field("fork_pages_shared");
	s->table_copy = vm_field("sharedpt_table_copy");
	s->table_reuse = vm_field("sharedpt_table_reuse");
}

/* "cow", "copy" or "sharedpt" (or "?" when the kernel has no fork_mode). */
static inline const char *vm_fork_mode(void)
{
	static char mode[16];

	if (vm_read_file("/proc/sys/vm/fork_mode") <= 0)
		return "?";
	size_t len = strcspn(vm_text, "\n");
	if (len >= sizeof mode)
		len = sizeof mode - 1;
	memcpy(mode, vm_text, len);
	mode[len] = 0;
	return mode;
}

#endif
