/*
 * init/main.c - kernel_main, the first C code, called by boot.S.
 *
 * The order matters: the console first (so everything after can report), then the
 * boot information (before any memory is handed out), CPU protections and traps
 * (before anything can fault), memory, and finally interrupts.
 */
#include <stdint.h>
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "init/crash.h"
#include "init/monitor.h"
#include "init/selftest.h"
#include "arch/x86_64/percpu.h"
#include "init/smp.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "lib/string.h"
#include "fs/fs.h"
#include "proc/proc.h"
#include "proc/procinfo.h"
#include "arch/x86_64/paging.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

#define HEARTBEAT_SECONDS 3

/*
 * The kernel log goes to COM2 when the machine has one (tools/calf-run gives it one,
 * so that COM1 carries only what programs print), else to the console on COM1.
 */
static enum serial_port log_port = SERIAL_COM1;

/* A terminal wants CR LF line ends. */
static void write_log(const char *bytes, unsigned long len)
{
	unsigned long start = 0;

	for (unsigned long i = 0; i < len; i++) {
		if (bytes[i] != '\n')
			continue;
		serial_write(log_port, bytes + start, i - start);
		serial_write(log_port, "\r\n", 2);
		start = i + 1;
	}
	serial_write(log_port, bytes + start, len - start);
}

/* One line a second for the first seconds, so a person sees the timer tick. */
static void heartbeat(void)
{
	for (unsigned second = 1; second <= HEARTBEAT_SECONDS; second++) {
		while (timer_ticks() < (uint64_t)second * TIMER_HZ)
			cpu_idle();
		printk("uptime %u s: %lu timer ticks, clock %lu ms\n", second, timer_ticks(),
		       clock_monotonic_ns() / 1000000);
	}
}

static void banner(void)
{
	printk("calf: %lu MiB of memory, %lu frames free (%lu MiB), timer at %u Hz\n",
	       boot_info.usable_bytes >> 20, frames_free(), frames_free() >> (20 - PAGE_SHIFT),
	       TIMER_HZ);
	printk("calf: command line '%s'\n", cmdline_text());
	printk("calf: fork_mode %s\n", fork_mode_name(mm_fork_mode));
}

/* A decimal count from the command line (digits up to the first other character;
 * capped at 10^8). */
static unsigned parse_count(const char *text)
{
	unsigned count = 0;

	while (*text >= '0' && *text <= '9' && count < 100000000)
		count = count * 10 + (unsigned)(*text++ - '0');
	return count;
}

/* fork_mode=copy|cow|sharedpt on the command line picks how fork treats private
 * memory; sharedpt_min_resident=N, sharedpt_small=N and sharedpt_level=L tune
 * sharedpt. */
static void apply_fork_mode(void)
{
	char value[16];
	enum fork_mode mode;

	if (cmdline_value("fork_mode", value, sizeof(value))) {
		if (fork_mode_parse(value, strlen(value), &mode))
			printk("calf: unknown fork_mode '%s'; keeping '%s'\n", value,
			       fork_mode_name(mm_fork_mode));
		else
			mm_fork_mode = mode;
	}
	/* sharedpt_min_resident=N: the resident pages from which sharedpt shares page
	 * tables (smaller parents fork as under cow); 0 shares always, for tests. */
	if (cmdline_value("sharedpt_min_resident", value, sizeof(value)))
		mm_sharedpt_min_resident = parse_count(value);
	/* sharedpt_small=N: private writable regions under N pages are forked entry
	 * by entry (default 512); 0 shares them too, for tests. */
	if (cmdline_value("sharedpt_small", value, sizeof(value)))
		mm_sharedpt_small_pages = parse_count(value);
	/* sharedpt_level=0|1|2: which tables sharedpt shares (mm/mm.h). */
	if (cmdline_value("sharedpt_level", value, sizeof(value))) {
		if (value[0] >= '0' && value[0] < '0' + MM_SHAREDPT_LEVELS && value[1] == 0)
			mm_sharedpt_level = value[0] - '0';
		else
			printk("calf: unknown sharedpt_level '%s'; keeping %d\n", value,
			       mm_sharedpt_level);
	}
}

/* Unpack the initramfs into the root file system and start init from it. */
static void __attribute__((noreturn)) start_userland(void)
{
	static char init_path[256] = "/init";
	static const char *init_argv[2];
	uint64_t start = boot_info.initrd_start, end = boot_info.initrd_end;

	procinfo_init();
	int error = fs_init(phys_to_virt(start), end - start);
	if (error)
		panic("fs: cannot make the root file system and /dev (error %d)", error);
	/* Its contents now live in the ramfs: give the archive's frames back. */
	frames_release(start, end);
	printk("calf: initramfs of %lu KiB unpacked; %lu frames free\n", (end - start) >> 10,
	       frames_free());
	if (timer_tsc_khz())
		printk("timer: the clock follows the TSC, measured at %lu kHz\n", timer_tsc_khz());
	else
		printk("timer: the clock follows the PIT (no TSC measured yet)\n");
	cmdline_value("init", init_path, sizeof(init_path));
	init_argv[0] = init_path;
	proc_start_init(init_path, init_argv);
}

void kernel_main(uint64_t start_info_phys)
{
	char value[64];

	percpu_boot_init();
	serial_init(SERIAL_COM1);
	if (serial_init(SERIAL_COM2))
		log_port = SERIAL_COM2;
	printk_set_sink(write_log);
	panic_init();
	printk("\ncalf: booting\n");

	boot_info_parse(start_info_phys);
	cmdline_init(boot_info.cmdline);
	mm_poison = cmdline_has("mm_poison");
	cpu_init();
	printk("cpu: %s, nx %s, smep %s, smap %s, 1g pages %s\n", cpu_features.vendor,
	       cpu_features.nx ? "on" : "absent", cpu_features.smep ? "on" : "absent",
	       cpu_features.smap ? "on" : "absent", cpu_features.pdpe1gb ? "yes" : "no");
	gdt_init();
	idt_init();
	pic_init();
	memory_init();
	timer_init();
	clock_realtime_init();
	serial_enable_input(SERIAL_COM1);
	irq_enable();
	smp_init();
	apply_fork_mode();
	mm_audit_on_exit = cmdline_has("mm_audit");
	banner();
	if (mm_poison)
		printk("mm: mm_poison: freed frames and objects hold %#x until allocated again, "
		       "and are checked then\n", MM_FREE_POISON);

	if (cmdline_value("crash", value, sizeof(value)))
		crash_trigger(value);
	if (cmdline_has("selftest")) {
		if (!cmdline_value("selftest", value, sizeof(value)))
			value[0] = '\0';
		selftest_run_all(value);
	}
	if (boot_info.initrd_end)
		start_userland();
	heartbeat();
	monitor_run();
}
