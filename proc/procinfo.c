/*
 * proc/procinfo.c - the text of /proc files, formatted exactly as Linux formats them
 * (fs/proc/ in Linux: meminfo.c, array.c, task_mmu.c), with calf's numbers.
 */
#include <stdarg.h>
#include "arch/x86_64/smp.h"
#include "proc/procinfo.h"
#include "proc/cpuinfo.h"
#include "proc/cpumask.h"
#include "proc/procmem.h"
#include "fs/procfs.h"
#include "fs/vfs.h"
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ipi.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "fs/fs.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/tlb.h"
#include "kernel/version.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

static uint64_t kib(size_t frames)
{
	return frames * (PAGE_SIZE / 1024);
}

static void meminfo_line(struct text *t, const char *name, uint64_t kilobytes)
{
	char label[32];

	snprintf(label, sizeof(label), "%s:", name);
	text_add(t, "%-16s%8lu kB\n", label, kilobytes);
}

static long show_meminfo(int pid, char *buf, size_t size)
{
	(void)pid;
	struct text t = { buf, size, 0 };
	uint64_t cached = kib(frames_of_kind(PAGE_CACHE));
	uint64_t slab = kib(kmalloc_frames());

	meminfo_line(&t, "MemTotal", kib(frames_managed()));
	meminfo_line(&t, "MemFree", kib(frames_free()));
	meminfo_line(&t, "MemAvailable", kib(frames_free()) + cached);
	meminfo_line(&t, "Buffers", 0);
	meminfo_line(&t, "Cached", cached);
	meminfo_line(&t, "SwapCached", 0);
	meminfo_line(&t, "Active", kib(frames_of_kind(PAGE_ANON)) + cached);
	meminfo_line(&t, "Inactive", 0);
	meminfo_line(&t, "Active(anon)", kib(frames_of_kind(PAGE_ANON)));
	meminfo_line(&t, "Inactive(anon)", 0);
	meminfo_line(&t, "Active(file)", cached);
	meminfo_line(&t, "Inactive(file)", 0);
	meminfo_line(&t, "Unevictable", 0);
	meminfo_line(&t, "Mlocked", 0);
	meminfo_line(&t, "SwapTotal", 0);
	meminfo_line(&t, "SwapFree", 0);
	meminfo_line(&t, "Dirty", 0);
	meminfo_line(&t, "Writeback", 0);
	meminfo_line(&t, "AnonPages", kib(frames_of_kind(PAGE_ANON)));
	meminfo_line(&t, "Mapped", 0);
	meminfo_line(&t, "Shmem", 0);
	meminfo_line(&t, "KReclaimable", 0);
	meminfo_line(&t, "Slab", slab);
	meminfo_line(&t, "SReclaimable", 0);
	meminfo_line(&t, "SUnreclaim", slab);
	meminfo_line(&t, "KernelStack", (uint64_t)proc_count * (KSTACK_SIZE / 1024));
	meminfo_line(&t, "PageTables", kib(frames_of_kind(PAGE_TABLE)));
	meminfo_line(&t, "CommitLimit", kib(frames_managed()));
	meminfo_line(&t, "Committed_AS", kib(frames_of_kind(PAGE_ANON)));
	return t.length;
}

static long show_vmstat(int pid, char *buf, size_t size)
{
	(void)pid;
	struct text t = { buf, size, 0 };

	text_add(&t, "nr_free_pages %lu\n", frames_free());
	text_add(&t, "nr_anon_pages %lu\n", frames_of_kind(PAGE_ANON));
	text_add(&t, "nr_file_pages %lu\n", frames_of_kind(PAGE_CACHE));
	text_add(&t, "nr_page_table_pages %lu\n", frames_of_kind(PAGE_TABLE));
	text_add(&t, "pgfault %lu\n", vm_stats.pgfault);
	text_add(&t, "oom_kill %lu\n", vm_stats.oom_kill);
	/* calf's own counters: how fork and copy-on-write spent memory. */
	text_add(&t, "zero_fill %lu\n", vm_stats.zero_fill);
	text_add(&t, "cow_fault %lu\n", vm_stats.cow_fault);
	text_add(&t, "cow_copy %lu\n", vm_stats.cow_copy);
	text_add(&t, "cow_reuse %lu\n", vm_stats.cow_reuse);
	text_add(&t, "fork_pages_copied %lu\n", vm_stats.fork_pages_copied);
	text_add(&t, "fork_pages_shared %lu\n", vm_stats.fork_pages_shared);
	/* fork_mode=sharedpt: leaf tables shared at fork, and taken back by a writer
	 * as a copy (others still used it) or in place (it was the last user). */
	text_add(&t, "sharedpt_fork_tables %lu\n", pt_stats.tables_shared);
	text_add(&t, "sharedpt_table_copy %lu\n", pt_stats.tables_unshared);
	text_add(&t, "sharedpt_table_reuse %lu\n", pt_stats.tables_reclaimed);
	text_add(&t, "file_fault %lu\n", vm_stats.file_fault);
	text_add(&t, "file_fault_around %lu\n", vm_stats.file_fault_around);
	text_add(&t, "file_copy %lu\n", vm_stats.file_copy);
	/* Faults resolved under their address space's lock alone (mm_fault_fast). */
	text_add(&t, "pgfault_fast %lu\n", vm_stats.fault_fast);
	/* TLB shootdown, as Linux counts it with CONFIG_DEBUG_TLBFLUSH: flushes that
	 * sent IPIs, IPIs served, and this CPU's own flushes (whole, and by page). */
	text_add(&t, "nr_tlb_remote_flush %lu\n", ipi_stats.tlb_sent);
	text_add(&t, "nr_tlb_remote_flush_received %lu\n", ipi_stats.tlb_received);
	text_add(&t, "nr_tlb_local_flush_all %lu\n", tlb_stats.local_flush_all);
	text_add(&t, "nr_tlb_local_flush_one %lu\n", tlb_stats.local_flush_one);
	return t.length;
}

static long show_version(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	text_add(&t, "%s", CALF_PROC_VERSION);
	return t.length;
}

static long show_uptime(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };
	uint64_t ns = clock_monotonic_ns(), idle = sched_stats.idle_ticks;

	(void)pid;
	text_add(&t, "%lu.%02lu %lu.%02lu\n", ns / 1000000000, (ns / 10000000) % 100,
	    idle / TIMER_HZ, (idle % TIMER_HZ) * 100 / TIMER_HZ);
	return t.length;
}

/* A load average in fixed point as Linux prints it: two decimals, rounded. */
static void add_load(struct text *t, unsigned long load, const char *after)
{
	unsigned long one = 1ul << SCHED_LOAD_SHIFT;

	load += one / 200;
	text_add(t, "%lu.%02lu%s", load >> SCHED_LOAD_SHIFT,
	    ((load & (one - 1)) * 100) >> SCHED_LOAD_SHIFT, after);
}

static long show_loadavg(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	for (int i = 0; i < 3; i++)
		add_load(&t, sched_stats.load_average[i], " ");
	text_add(&t, "%u/%u %d\n", sched_nr_running(), proc_count, proc_last_pid());
	return t.length;
}

/* Times in USER_HZ (100, the timer's rate): user nice system idle iowait irq
 * softirq steal guest guest_nice. */
static long show_stat(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };
	uint64_t user = sched_stats.user_ticks, system = sched_stats.system_ticks;
	uint64_t idle = sched_stats.idle_ticks, interrupts = 0;

	(void)pid;
	text_add(&t, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", user, system, idle);
	/* A line per online CPU (glibc counts them for get_nprocs when /sys is not
	 * mounted). */
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		if (!smp_cpu(id))
			continue;
		struct sched_cpu_ticks ticks = sched_cpu_ticks(id);
		text_add(&t, "cpu%u %lu 0 %lu %lu 0 0 0 0 0 0\n", id, ticks.user, ticks.system,
		    ticks.idle);
	}
	for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
		interrupts += irq_count(irq);
	text_add(&t, "intr %lu", interrupts);
	for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
		text_add(&t, " %lu", irq_count(irq));
	text_add(&t, "\nctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
	    sched_stats.context_switches, clock_boot_unix_time(), procs_created, sched_nr_running());
	return t.length;
}

static size_t live_pids(int *pids, size_t max)
{
	struct list_node *node;
	size_t count = 0;

	/* The table is in creation order; pids wrap, so sort what we collect. */
	list_for_each(node, &all_procs) {
		if (count == max)
			break;
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (!proc_is_leader(proc))
			continue;	/* threads are in /proc/<pid>/task */
		int pid = proc->pid;
		size_t at = count++;
		while (at > 0 && pids[at - 1] > pid) {
			pids[at] = pids[at - 1];
			at--;
		}
		pids[at] = pid;
	}
	return count;
}

static char state_letter(const struct proc *proc)
{
	switch (proc->task.state) {
	case TASK_RUNNABLE: return 'R';
	case TASK_SLEEPING: return 'S';
	case TASK_SLEEPING_UNINTERRUPTIBLE: return 'D';
	case TASK_STOPPED: return 'T';
	case TASK_ZOMBIE: return 'Z';
	case TASK_DEAD: return 'X';
	}
	return '?';
}

static const char *state_name(const struct proc *proc)
{
	switch (proc->task.state) {
	case TASK_RUNNABLE: return "R (running)";
	case TASK_SLEEPING: return "S (sleeping)";
	case TASK_SLEEPING_UNINTERRUPTIBLE: return "D (disk sleep)";
	case TASK_STOPPED: return "T (stopped)";
	case TASK_ZOMBIE: return "Z (zombie)";
	case TASK_DEAD: return "X (dead)";
	}
	return "?";
}

static int parent_pid(const struct proc *proc)
{
	const struct proc *leader = proc->group ? proc_leader(proc) : proc;

	return leader->pid == 1 || !leader->parent ? 0 : leader->parent->pid;
}

/* Signals with a handler, and ignored ones, as masks. */
static void signal_masks(const struct proc *proc, uint64_t *caught, uint64_t *ignored)
{
	*caught = *ignored = 0;
	for (int i = 0; proc->sighand && i < NSIG; i++) {
		if (proc->sighand->actions[i].handler == 1)
			*ignored |= 1ull << i;
		else if (proc->sighand->actions[i].handler > 1)
			*caught |= 1ull << i;
	}
}

static long show_pid_stat(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct text t = { buf, size, 0 };
	struct mm_usage usage = { 0 };
	uint64_t caught, ignored;

	if (!proc)
		return -ESRCH;
	struct mm *mm = proc->task.mm;
	if (mm)
		mm_usage(mm, &usage);
	signal_masks(proc, &caught, &ignored);
	text_add(&t, "%d (%s) %c %d %d %d 0 -1 4194304 %lu 0 0 0 %lu %lu 0 0 20 0 1 0 %lu %lu %lu ",
	    proc->pid, proc->name, state_letter(proc), parent_pid(proc), proc->pgid, proc->sid,
	    mm ? mm->counters.faults : 0, proc->task.ticks_user, proc->task.ticks_system,
	    proc->start_ns / (1000000000 / TIMER_HZ), usage.total,
	    mm ? mm->resident_pages : 0);
	text_add(&t, "18446744073709551615 %lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0 ",
	    mm ? mm->start_code : 0, mm ? mm->end_code : 0, mm ? mm->start_stack : 0,
	    proc->signal_pending, proc->signal_blocked, ignored, caught);
	text_add(&t, "%lu %lu %lu %lu %lu %lu %lu %d\n",
	    mm ? mm->start_data : 0, mm ? mm->end_data : 0, mm ? mm->brk_start : 0,
	    mm ? mm->arg_start : 0, mm ? mm->arg_end : 0, mm ? mm->env_start : 0,
	    mm ? mm->env_end : 0, proc->task.state == TASK_ZOMBIE ? proc->exit_status : 0);
	return t.length;
}

/* The thread's affinity, after the lines between it and SigCgt that calf leaves
 * out (capabilities, seccomp, speculation). */
static void add_cpus_allowed(struct text *t, const struct proc *proc)
{
	char hex[24], list[200];
	uint64_t cpus = __atomic_load_n(&proc->task.cpus_allowed, __ATOMIC_RELAXED);

	cpumask_format_hex(hex, sizeof(hex), cpus);
	cpumask_format_list(list, sizeof(list), cpus);
	text_add(t, "Cpus_allowed:\t%s\nCpus_allowed_list:\t%s\n", hex, list);
}

static long show_pid_status(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct text t = { buf, size, 0 };
	struct mm_usage usage = { 0 };
	uint64_t caught, ignored;

	if (!proc)
		return -ESRCH;
	const struct cred *cred = &proc->task.cred;
	if (proc->task.mm)
		mm_usage(proc->task.mm, &usage);
	uint64_t rss = proc->task.mm ? kib(proc->task.mm->resident_pages) : 0;
	signal_masks(proc, &caught, &ignored);
	text_add(&t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
	    "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t\n",
	    proc->name, proc->task.fs ? proc->task.fs->umask : 0, state_name(proc), proc->tgid, proc->pid,
	    parent_pid(proc),
	    cred->uid, cred->euid, cred->euid, cred->euid,
	    cred->gid, cred->egid, cred->egid, cred->egid);
	if (proc->task.mm)
		text_add(&t, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n"
		    "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
		    "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
		    "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
		    usage.total >> 10, usage.total >> 10, 0ul, 0ul, rss, rss, rss, 0ul, 0ul,
		    usage.data >> 10, usage.stack >> 10, usage.exec >> 10, 0ul,
		    kib(mm_page_tables(proc->task.mm)), 0ul);
	text_add(&t, "Threads:\t%d\nSigQ:\t0/3000\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
	    "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
	    thread_count(proc), proc->signal_pending, proc->group ? proc->group->shared_pending : 0,
	    proc->signal_blocked, ignored, caught);
	add_cpus_allowed(&t, proc);
	return t.length;
}

static long show_pid_cmdline(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);

	if (!proc)
		return -ESRCH;
	if (!proc->task.mm || proc->task.mm->arg_end <= proc->task.mm->arg_start)
		return 0;
	size_t length = proc->task.mm->arg_end - proc->task.mm->arg_start;
	if (length > size)
		return length;	/* the caller asks again with room */
	return mm_copy_out(proc->task.mm, proc->task.mm->arg_start, buf, length);
}

/* Sizes in pages: total, resident, shared (file-backed), text, lib (0), data+stack,
 * dirty (0). */
static long show_pid_statm(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct text t = { buf, size, 0 };
	struct mm_usage usage = { 0 };

	if (!proc)
		return -ESRCH;
	if (proc->task.mm)
		mm_usage(proc->task.mm, &usage);
	text_add(&t, "%lu %lu 0 %lu 0 %lu 0\n", usage.total / PAGE_SIZE,
	    proc->task.mm ? proc->task.mm->resident_pages : 0, usage.exec / PAGE_SIZE,
	    (usage.data + usage.stack) / PAGE_SIZE);
	return t.length;
}

static long show_self(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	text_add(&t, "%d", current_proc()->tgid);
	return t.length;
}

/* The program the process runs; like Linux, none for the idle process. The path
 * is followed as text: a program renamed or unlinked since exec is not found. */
static long show_pid_exe(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct mm_backing *backing = proc && proc->exe ? file_backing(proc->exe) : NULL;
	char *path;
	long length;

	if (!proc)
		return -ESRCH;
	if (!backing)
		return -ENOENT;
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	length = backing->ops->path(backing, path, PATH_MAX);
	if (length >= 0) {
		struct text t = { buf, size, 0 };
		text_add(&t, "%s", path);
		length = t.length;
	}
	kfree(path);
	return length;
}

static long show_thread_self(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	text_add(&t, "%d/task/%d", current_proc()->tgid, current_proc()->pid);
	return t.length;
}

static long show_pid_comm(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct text t = { buf, size, 0 };

	if (!proc)
		return -ESRCH;
	text_add(&t, "%s\n", proc->name);
	return t.length;
}

/* Writing comm renames a thread of the writer's own process (Linux's rule; others
 * get EINVAL), up to 15 bytes; a newline ends the name. */
static int store_pid_comm(int pid, const char *text, size_t length)
{
	struct proc *proc = proc_find(pid);

	if (!proc)
		return -ESRCH;
	if (proc->tgid != current_proc()->tgid)
		return -EINVAL;
	size_t n = length < PROC_NAME_MAX - 1 ? length : PROC_NAME_MAX - 1;
	memset(proc->name, 0, sizeof(proc->name));
	memcpy(proc->name, text, n);
	char *newline = memchr(proc->name, '\n', n);
	if (newline)
		*newline = '\0';
	return 0;
}

/* The threads of process pid, by tid, for /proc/<pid>/task. */
static size_t thread_ids(int pid, int *ids, size_t max)
{
	struct proc *proc = proc_find(pid), *t;
	size_t count = 0;

	if (!proc || !proc->group)
		return 0;
	for_each_thread(proc, t) {
		if (count == max)
			break;
		if (t->task.state == TASK_DEAD)
			continue;
		size_t at = count++;
		while (at > 0 && ids[at - 1] > t->pid) {
			ids[at] = ids[at - 1];
			at--;
		}
		ids[at] = t->pid;
	}
	return count;
}

static bool thread_alive(int pid, int tid)
{
	struct proc *t = proc_find(tid);

	return t && t->tgid == pid;
}

/* A file's path as maps shows it: a newline in it becomes \012 (seq_file_path). */
static void add_path(struct text *t, const char *path)
{
	for (; *path; path++) {
		if (*path == '\n')
			text_add(t, "\\012");
		else
			text_add(t, "%c", *path);
	}
}

/*
 * One line per region, in Linux's format (show_map_vma): range, permissions, file
 * offset, device (major:minor), inode, and the name - the file's path, [heap] or
 * [stack] - after padding to column 73 (seq_pad after a width of 72).
 */
/* The name maps shows after a region: its file's path, [stack] or [heap]. */
static const char *region_name(const struct vma *vma, char *path)
{
	if (vma->backing)
		return vma->backing->ops->path(vma->backing, path, PATH_MAX) >= 0 ? path : NULL;
	return vma->flags & VMA_STACK ? "[stack]" : vma->flags & VMA_HEAP ? "[heap]" : NULL;
}

/* One line of maps: range, permissions, offset, device, inode, padded name. */
static void add_maps_line(struct text *t, uint64_t start, uint64_t end, const char *perms,
			  uint64_t offset, const struct mm_backing_id *id, const char *name)
{
	size_t first = t->length;

	text_add(t, "%08lx-%08lx %s %08lx %02x:%02x %lu ", start, end, perms, offset,
	    id->major, id->minor, id->ino);
	if (name) {
		size_t width = t->length - first;
		text_add(t, "%*s", width < 72 ? (int)(72 - width) + 1 : 1, "");
		add_path(t, name);
	}
	text_add(t, "\n");
}

static void add_region_line(struct text *t, const struct vma *vma, char *path)
{
	struct mm_backing_id id = { 0, 0, 0 };
	char perms[5] = {
		vma->prot & PROT_READ ? 'r' : '-', vma->prot & PROT_WRITE ? 'w' : '-',
		vma->prot & PROT_EXEC ? 'x' : '-', vma->flags & VMA_SHARED ? 's' : 'p', 0
	};

	if (vma->backing)
		vma->backing->ops->identify(vma->backing, &id);
	add_maps_line(t, vma->start, vma->end, perms,
		      vma->backing ? vma->pgoff << PAGE_SHIFT : 0, &id, region_name(vma, path));
}

static long show_pid_maps(int pid, char *buf, size_t size)
{
	struct proc *proc = proc_find(pid);
	struct text t = { buf, size, 0 };
	struct list_node *node;
	char *path;

	if (!proc)
		return -ESRCH;
	if (!proc->task.mm)
		return 0;
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	list_for_each(node, &proc->task.mm->vmas)
		add_region_line(&t, list_entry(node, struct vma, link), path);
	kfree(path);
	return t.length;
}

/* ---- smaps ---- */

struct smaps_text {
	struct text t;
	char *path;
	struct mm_page_sharing total;	/* for smaps_rollup */
	uint64_t first, last;		/* the range the regions span */
};

static void add_kb(struct text *t, const char *label, uint64_t bytes)
{
	text_add(t, "%-16s%8lu kB\n", label, bytes >> 10);
}

static bool protection_keys(void)
{
	return cpuid(7, 0).ecx & (1u << 3);	/* PKU: Linux then shows ProtectionKey */
}

/* Linux's VmFlags, in its order, for what calf's regions can be. */
static void add_vm_flags(struct text *t, const struct vma *vma)
{
	bool shared = vma->flags & VMA_SHARED;

	text_add(t, "VmFlags: ");
	if (vma->prot & PROT_READ)
		text_add(t, "rd ");
	if (vma->prot & PROT_WRITE)
		text_add(t, "wr ");
	if (vma->prot & PROT_EXEC)
		text_add(t, "ex ");
	/* A shared mapping that may never write is not VM_SHARED to Linux. */
	if (shared && !(vma->flags & VMA_NOWRITE))
		text_add(t, "sh ");
	text_add(t, "mr ");
	if (!(vma->flags & VMA_NOWRITE))
		text_add(t, "mw ");
	text_add(t, "me ");
	if (shared)
		text_add(t, "ms ");
	if (vma->flags & VMA_GROWSDOWN)
		text_add(t, "gd ");
	if (vma->flags & VMA_ACCOUNT)
		text_add(t, "ac ");
	if (vma->flags & VMA_NORESERVE)
		text_add(t, "nr ");
	text_add(t, "sd \n");
}

/* The figures smaps and smaps_rollup share, Rss to Private_Dirty. */
static void add_sharing(struct text *t, const struct mm_page_sharing *f, bool rollup)
{
	add_kb(t, "Rss:", f->rss);
	add_kb(t, "Pss:", f->pss >> MM_PSS_SHIFT);
	add_kb(t, "Pss_Dirty:", f->pss_dirty >> MM_PSS_SHIFT);
	if (rollup) {
		/* calf's files live in memory, like Linux's tmpfs: shmem to Linux. */
		add_kb(t, "Pss_Anon:", f->pss_anon >> MM_PSS_SHIFT);
		add_kb(t, "Pss_File:", 0);
		add_kb(t, "Pss_Shmem:", f->pss_file >> MM_PSS_SHIFT);
	}
	add_kb(t, "Shared_Clean:", f->shared_clean);
	add_kb(t, "Shared_Dirty:", f->shared_dirty);
	add_kb(t, "Private_Clean:", f->private_clean);
	add_kb(t, "Private_Dirty:", f->private_dirty);
	add_kb(t, "Referenced:", f->rss);
	add_kb(t, "Anonymous:", f->anonymous);
	static const char *const none[] = {
		"LazyFree:", "AnonHugePages:", "ShmemPmdMapped:", "FilePmdMapped:",
		"Shared_Hugetlb:", "Private_Hugetlb:", "Swap:", "SwapPss:", "Locked:",
	};
	for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		add_kb(t, none[i], 0);
}

static void add_to_total(struct mm_page_sharing *total, const struct mm_page_sharing *f)
{
	total->rss += f->rss;
	total->shared_clean += f->shared_clean;
	total->shared_dirty += f->shared_dirty;
	total->private_clean += f->private_clean;
	total->private_dirty += f->private_dirty;
	total->anonymous += f->anonymous;
	total->pss += f->pss;
	total->pss_dirty += f->pss_dirty;
	total->pss_anon += f->pss_anon;
	total->pss_file += f->pss_file;
}

static void smaps_region(const struct vma *vma, const struct mm_page_sharing *f, void *context)
{
	struct smaps_text *s = context;
	struct text *t = &s->t;

	add_region_line(t, vma, s->path);
	add_kb(t, "Size:", vma->end - vma->start);
	add_kb(t, "KernelPageSize:", PAGE_SIZE);
	add_kb(t, "MMUPageSize:", PAGE_SIZE);
	add_sharing(t, f, false);
	text_add(t, "THPeligible:    0\n");
	if (protection_keys())
		text_add(t, "ProtectionKey:  %8u\n", 0);
	add_vm_flags(t, vma);
}

static void rollup_region(const struct vma *vma, const struct mm_page_sharing *f, void *context)
{
	struct smaps_text *s = context;

	if (!s->first)
		s->first = vma->start;
	s->last = vma->end;
	add_to_total(&s->total, f);
}

static long show_smaps(int pid, char *buf, size_t size, bool rollup)
{
	struct proc *proc = proc_find(pid);
	struct smaps_text s = { { buf, size, 0 }, NULL, { 0 }, 0, 0 };
	int error;

	if (!proc)
		return -ESRCH;
	if (!proc->task.mm)
		return 0;
	s.path = kmalloc(PATH_MAX);
	if (!s.path)
		return -ENOMEM;
	error = mm_page_sharing(proc->task.mm, rollup ? rollup_region : smaps_region, &s);
	if (!error && rollup) {
		struct mm_backing_id none = { 0, 0, 0 };
		add_maps_line(&s.t, s.first, s.last, "---p", 0, &none, "[rollup]");
		add_sharing(&s.t, &s.total, true);
	}
	kfree(s.path);
	return error ? error : (long)s.t.length;
}

static long show_pid_smaps(int pid, char *buf, size_t size)
{
	return show_smaps(pid, buf, size, false);
}

static long show_pid_smaps_rollup(int pid, char *buf, size_t size)
{
	return show_smaps(pid, buf, size, true);
}

/* ---- the tables procfs presents ---- */

static bool pid_alive(int pid)
{
	return proc_find(pid) != NULL;
}

#define TEXT_FILE(file_name, generator) \
	{ .name = file_name, .mode = S_IFREG | 0444, .show = generator }

static long show_fork_mode(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	text_add(&t, "%s\n", fork_mode_name(mm_fork_mode));
	return t.length;
}

static int store_fork_mode(int pid, const char *text, size_t length)
{
	enum fork_mode mode;
	int error = fork_mode_parse(text, length, &mode);

	(void)pid;
	if (!error)
		mm_fork_mode = mode;
	return error;
}

/* Reading runs the audit (a violation panics: it is a kernel bug). */
static long show_mm_audit(int pid, char *buf, size_t size)
{
	char report[256];
	long length = proc_mm_audit(report, sizeof(report), "on request");

	(void)pid;
	if (buf && size)
		strlcpy(buf, report, size);
	return length;
}

/*
 * drop_caches, as on Linux (write-only): 1 drops the clean page cache, 2 the
 * kernel's reclaimable objects, 3 both, 4 (Linux: stop logging the drops)
 * nothing. calf's page cache is the files' only copy (ramfs, like Linux's tmpfs,
 * which 1 leaves alone too); 2 gives the heap's cached empty slabs back
 * (kmalloc_shrink), so that a measurement of free memory sees the pages in use
 * and not what a cache happens to hold.
 */
static int store_drop_caches(int pid, const char *text, size_t length)
{
	(void)pid;
	while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == ' '))
		length--;
	if (length != 1 || text[0] < '1' || text[0] > '4')
		return -EINVAL;
	if ((text[0] - '0') & 2)
		kmalloc_shrink();
	return 0;
}

static const struct procfs_entry sys_vm_entries[] = {
	{ .name = "drop_caches", .mode = S_IFREG | 0200, .store = store_drop_caches },
	{ .name = "fork_mode", .mode = S_IFREG | 0644, .show = show_fork_mode,
	  .store = store_fork_mode },
	{ .name = "mm_audit", .mode = S_IFREG | 0444, .show = show_mm_audit },
	{ 0 }
};

static const struct procfs_entry sys_entries[] = {
	{ .name = "vm", .mode = S_IFDIR | 0555, .children = sys_vm_entries },
	{ 0 }
};

static const struct procfs_entry root_entries[] = {
	TEXT_FILE("cpuinfo", cpuinfo_show),
	{ .name = "kpagecount", .mode = S_IFREG | 0400, .read_at = procmem_read_kpagecount },
	{ .name = "kpageflags", .mode = S_IFREG | 0400, .read_at = procmem_read_kpageflags },
	TEXT_FILE("loadavg", show_loadavg),
	TEXT_FILE("meminfo", show_meminfo),
	{ .name = "self", .mode = S_IFLNK | 0777, .show = show_self },
	TEXT_FILE("stat", show_stat),
	{ .name = "sys", .mode = S_IFDIR | 0555, .children = sys_entries },
	{ .name = "thread-self", .mode = S_IFLNK | 0777, .show = show_thread_self },
	TEXT_FILE("uptime", show_uptime),
	TEXT_FILE("version", show_version),
	TEXT_FILE("vmstat", show_vmstat),
	{ 0 }
};

/* /proc/<pid>/task/<tid>: the thread's own view. */
static const struct procfs_entry tid_entries[] = {
	TEXT_FILE("cmdline", show_pid_cmdline),
	{ .name = "comm", .mode = S_IFREG | 0644, .show = show_pid_comm, .store = store_pid_comm },
	{ .name = "exe", .mode = S_IFLNK | 0777, .show = show_pid_exe },
	TEXT_FILE("maps", show_pid_maps),
	{ .name = "pagemap", .mode = S_IFREG | 0400, .read_at = procmem_read_pagemap },
	TEXT_FILE("smaps", show_pid_smaps),
	TEXT_FILE("smaps_rollup", show_pid_smaps_rollup),
	TEXT_FILE("stat", show_pid_stat),
	TEXT_FILE("statm", show_pid_statm),
	TEXT_FILE("status", show_pid_status),
	{ 0 }
};

static const struct procfs_entry tid_dir = {
	.name = "", .mode = S_IFDIR | 0555, .children = tid_entries,
};

static const struct procfs_entry pid_entries[] = {
	TEXT_FILE("cmdline", show_pid_cmdline),
	{ .name = "comm", .mode = S_IFREG | 0644, .show = show_pid_comm, .store = store_pid_comm },
	{ .name = "exe", .mode = S_IFLNK | 0777, .show = show_pid_exe },
	TEXT_FILE("maps", show_pid_maps),
	{ .name = "pagemap", .mode = S_IFREG | 0400, .read_at = procmem_read_pagemap },
	TEXT_FILE("smaps", show_pid_smaps),
	TEXT_FILE("smaps_rollup", show_pid_smaps_rollup),
	TEXT_FILE("stat", show_pid_stat),
	TEXT_FILE("statm", show_pid_statm),
	TEXT_FILE("status", show_pid_status),
	{ .name = "task", .mode = S_IFDIR | 0555, .ids = thread_ids, .id_alive = thread_alive,
	  .id_dir = &tid_dir },
	{ 0 }
};

static const struct procfs_source proc_source = {
	.root = root_entries,
	.pid_dir = pid_entries,
	.pids = live_pids,
	.pid_alive = pid_alive,
};

void procinfo_init(void)
{
	procfs_set_source(&proc_source);
}
