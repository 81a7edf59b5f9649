/*
 * proc/procmem.c - the binary /proc files about memory: /proc/PID/pagemap, and
 * /proc/kpagecount and /proc/kpageflags. mm/pagemap.c computes the entries; this
 * file applies Linux's rules for reading them: 8-byte entries read at 8-byte
 * offsets (anything else is EINVAL), frame numbers shown only to root (Linux
 * decides that at open time from CAP_SYS_ADMIN; calf asks at each read).
 */
#include "proc/procmem.h"
#include "proc/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "lib/errno.h"

#define ENTRY_BYTES 8

static int check_piece(size_t n, uint64_t offset)
{
	return (n % ENTRY_BYTES || offset % ENTRY_BYTES) ? -EINVAL : 0;
}

long procmem_read_pagemap(int pid, void *kbuf, size_t n, uint64_t offset)
{
	struct proc *proc = proc_find(pid);
	int error = check_piece(n, offset);

	if (error)
		return error;
	if (!proc)
		return -ESRCH;
	if (!proc->task.mm)
		return 0;
	size_t entries = mm_pagemap(proc->task.mm, offset / ENTRY_BYTES, n / ENTRY_BYTES, kbuf,
				    current_proc()->task.cred.euid == 0);
	return entries * ENTRY_BYTES;
}

/* Entries for the frames from offset / 8, until the last frame calf knows. */
static long read_frames(void *kbuf, size_t n, uint64_t offset, uint64_t (*entry)(uint64_t))
{
	uint64_t *out = kbuf;
	uint64_t pfn = offset / ENTRY_BYTES;
	size_t count = 0;
	int error = check_piece(n, offset);

	if (error)
		return error;
	while (count < n / ENTRY_BYTES && pfn + count < frames_pfn_count()) {
		out[count] = entry(pfn + count);
		count++;
	}
	return count * ENTRY_BYTES;
}

long procmem_read_kpagecount(int pid, void *kbuf, size_t n, uint64_t offset)
{
	(void)pid;
	return read_frames(kbuf, n, offset, frame_map_count);
}

long procmem_read_kpageflags(int pid, void *kbuf, size_t n, uint64_t offset)
{
	(void)pid;
	return read_frames(kbuf, n, offset, frame_kpageflags);
}
