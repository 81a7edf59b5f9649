/*
 * see-collect - play a fork/exec story one step at a time and, at each step,
 * print what Linux's /proc interfaces say about it, for tools/calf-see to draw.
 *
 *     see-collect [SCENARIO]
 *
 * The story is played by see-actor (a parent and the child it forks), which
 * does one thing per command and answers when done; between commands both stand
 * still and this program looks at them from outside. It reads only interfaces
 * that Linux has too, so the same dump comes from calf and from Linux:
 * /proc/PID/stat, /proc/PID/maps, /proc/PID/pagemap, /proc/kpagecount,
 * /proc/kpageflags and /proc/vmstat (frame numbers need root, as on Linux).
 *
 * A scenario has one command a line ('#' starts a comment):
 *     start PAGES          start the parent; it maps and writes PAGES pages
 *     parent COMMAND       tell the parent: fork, read, write N, exec PROGRAM ARGS,
 *     child COMMAND        wait or exit (see user/see-actor.c); the child likewise
 *     step TITLE           print everything, under this title
 * Without a file it plays the seed's story (the_story below).
 *
 * The dump is text, one fact a line, each step between "step N TITLE" and "end":
 *     kernel SYSNAME RELEASE       once, first
 *     vmstat NAME VALUE            every line of /proc/vmstat
 *     ps PID PPID STATE FLAGS COMM every process (FLAGS tells kernel threads)
 *     role PID parent|child        the actors, with their memory:
 *     area PID START END           the pages the parent wrote before fork
 *     map PID START END PERMS OFFSET INODE [NAME]   /proc/PID/maps, in hex
 *     pagemap PID START ENTRY...   a region's 64-bit pagemap entries, in hex
 *     kpage PFN COUNT FLAGS        each frame seen: kpagecount and kpageflags
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "readfile.h"

#define PAGE 4096
#define USER_TOP 0x800000000000ull	/* pagemap of [vsyscall] and above: not asked */
#define MAX_FRAMES 65536

static const char the_story[] =
	"start 16\n"
	"step the parent filled its memory\n"
	"parent fork\n"
	"step after fork: parent and child share every page\n"
	"child read\n"
	"step the child read every page: nothing copied\n"
	"child write 0\n"
	"step the child wrote page 0: that page was copied\n"
	"parent write 1\n"
	"step the parent wrote page 1: copied too\n"
	"child exec /bin/sleep 1000\n"
	"step the child exec'd sleep: the parent's pages are its own again\n"
	"parent exit\n"
	"step the parent exited: init adopts the orphan\n";

/* An actor: the pipes to it, its pid, and whether it is still there to talk to. */
struct actor {
	int commands, answers;
	pid_t pid;
	int talking;
};

static struct actor parent = { -1, -1, 0, 0 }, child = { -1, -1, 0, 0 };
static unsigned long area_start, area_end;
static char text[1 << 18];
static uint64_t frames[MAX_FRAMES];
static int nframes;

static void die(const char *what)
{
	fprintf(stderr, "see-collect: %s\n", what);
	exit(1);
}

/* One answer line from an actor into `line`; 0 at EOF. */
static int read_answer(struct actor *a, char *line, size_t size)
{
	return read_fd_line(a->answers, line, size);
}

/* The whole of a small file into `text`; its length, or -1. */
static long read_file(const char *path)
{
	return read_small_file(path, text, sizeof text);
}

/* /proc/PID/stat's state, parent and command; 0 when the process is gone. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid, unsigned long *flags, char *comm, size_t size)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_file(path) <= 0)
		return 0;
	char *open_paren = strchr(text, '('), *close_paren = strrchr(text, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return 0;
	size_t len = close_paren - open_paren - 1;
	if (len >= size)
		len = size - 1;
	memcpy(comm, open_paren + 1, len);
	comm[len] = 0;
	int fields = 0;
	long parent_pid = 0;
	unsigned long f = 0;
	/* After ") ": state ppid pgrp session tty tpgid flags */
	if (sscanf(close_paren + 2, "%c %ld %*d %*d %*d %*d %lu%n", state, &parent_pid, &f, &fields) < 3)
		return 0;
	*ppid = parent_pid;
	*flags = f;
	return 1;
}

static void sleep_a_little(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until `pid` is in `state` (and, if want_comm, runs a program by that name):
 * after exec or exit the watcher has only /proc/PID/stat to tell it is over. */
static void wait_for_state(pid_t pid, char want, const char *want_comm)
{
	char state, comm[64];
	pid_t ppid;
	unsigned long flags;

	for (int tries = 0; tries < 1000; tries++) {
		if (proc_stat(pid, &state, &ppid, &flags, comm, sizeof comm) && state == want &&
		    (!want_comm || strcmp(comm, want_comm) == 0))
			return;
		sleep_a_little();
	}
	die("an actor never got where it was sent");
}

static void start(long pages)
{
	int to_parent[2], from_parent[2], to_child[2], from_child[2];
	char line[128], count[32];

	if (pipe2(to_parent, O_CLOEXEC) || pipe2(from_parent, O_CLOEXEC) ||
	    pipe2(to_child, O_CLOEXEC) || pipe2(from_child, O_CLOEXEC))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* dup2 clears close-on-exec on the copies, the originals close at exec. */
		int ends[4] = { to_parent[0], from_parent[1], to_child[0], from_child[1] };
		for (int i = 0; i < 4; i++)
			ends[i] = fcntl(ends[i], F_DUPFD_CLOEXEC, 20);
		for (int i = 0; i < 4; i++)
			dup2(ends[i], 3 + i);
		/* Linux places the stack, heap and mappings at random; calf does not.
		 * Without randomisation both draw the same layout. */
		personality(ADDR_NO_RANDOMIZE);
		snprintf(count, sizeof count, "%ld", pages);
		execl("/bin/see-actor", "see-actor", count, (char *)NULL);
		_exit(127);
	}
	close(to_parent[0]);
	close(from_parent[1]);
	close(to_child[0]);
	close(from_child[1]);
	parent = (struct actor){ to_parent[1], from_parent[0], pid, 1 };
	child = (struct actor){ to_child[1], from_child[0], 0, 0 };
	if (!read_answer(&parent, line, sizeof line) ||
	    sscanf(line, "ready %lx %lx", &area_start, &area_end) != 2)
		die("the parent did not start");
}

/* Send one command to an actor and wait until it is done. */
static void tell(struct actor *a, const char *command)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s\n", command);

	if (!a->talking)
		die("that actor is not there to tell");
	if (write(a->commands, line, n) != n)
		die("an actor stopped listening");
	if (strcmp(command, "exit") == 0) {
		/* Look at it as a zombie, with its children already given to init. */
		a->talking = 0;
		wait_for_state(a->pid, 'Z', NULL);
		if (a == &parent && child.pid) {
			char state, comm[64];
			pid_t ppid = parent.pid;
			unsigned long flags;
			for (int tries = 0; tries < 1000 && ppid == parent.pid; tries++) {
				if (!proc_stat(child.pid, &state, &ppid, &flags, comm, sizeof comm))
					break;
				if (ppid == parent.pid)
					sleep_a_little();
			}
		}
		return;
	}
	if (strncmp(command, "exec ", 5) == 0) {
		/* The descriptors close at exec: EOF. Then wait until the new program
		 * has got where it sleeps, its memory all mapped. */
		a->talking = 0;
		if (read_answer(a, line, sizeof line))
			die(line);
		const char *program = strrchr(command, '/');
		char name[16];
		snprintf(name, sizeof name, "%s", program ? program + 1 : command + 5);
		name[strcspn(name, " ")] = 0;
		wait_for_state(a->pid, 'S', name);
		return;
	}
	if (!read_answer(a, line, sizeof line))
		die("an actor went away");
	if (strncmp(line, "error", 5) == 0)
		die(line);
	if (a == &parent && strcmp(command, "wait") == 0)
		child = (struct actor){ -1, -1, 0, 0 };	/* reaped: its pid may come again */
	if (strcmp(command, "fork") == 0) {
		int pid;
		if (sscanf(line, "forked %d", &pid) != 1)
			die("fork did not answer with a pid");
		child.pid = pid;
		child.talking = 1;
		if (!read_answer(&child, line, sizeof line))
			die("the child did not start");
	}
}

static void note_frame(uint64_t pfn)
{
	for (int i = 0; i < nframes; i++)
		if (frames[i] == pfn)
			return;
	if (nframes < MAX_FRAMES)
		frames[nframes++] = pfn;
}

static uint64_t frame_info(int fd, uint64_t pfn)
{
	uint64_t value = 0;

	if (fd < 0 || pread(fd, &value, 8, pfn * 8) != 8)
		return ~0ull;
	return value;
}

/* maps and the pagemap entries of each region of one actor. */
static void show_memory(pid_t pid)
{
	char path[64];
	static char maps[sizeof text];

	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	if (read_file(path) < 0)
		return;
	snprintf(maps, sizeof maps, "%s", text);
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int pagemap = open(path, O_RDONLY);

	char *save;
	for (char *line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end, offset, inode;
		char perms[8];
		int name_at = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %lu %n", &start, &end, perms, &offset, &inode,
			   &name_at) < 5)
			continue;
		const char *name = name_at ? line + name_at : "";
		printf("map %d %lx %lx %s %lx %lu%s%s\n", pid, start, end, perms, offset, inode,
		       *name ? " " : "", name);
		if (end > USER_TOP || pagemap < 0)
			continue;
		printf("pagemap %d %lx", pid, start);
		for (unsigned long page = start; page < end; page += PAGE) {
			uint64_t entry = 0;
			if (pread(pagemap, &entry, 8, page / PAGE * 8) != 8)
				entry = 0;
			printf(" %" PRIx64, entry);
			if (entry >> 63)
				note_frame(entry & ((1ull << 55) - 1));
		}
		printf("\n");
	}
	if (pagemap >= 0)
		close(pagemap);
}

static void show_processes(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;

	if (!dir)
		die("/proc is not mounted");
	while ((d = readdir(dir))) {
		char state, comm[64];
		pid_t ppid;
		unsigned long flags;
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		if (proc_stat(atoi(d->d_name), &state, &ppid, &flags, comm, sizeof comm))
			printf("ps %s %d %c %lx %s\n", d->d_name, ppid, state, flags, comm);
	}
	closedir(dir);
}

static void step(int number, const char *title)
{
	printf("step %d %s\n", number, title);
	char *save;
	if (read_file("/proc/vmstat") > 0)
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("vmstat %s\n", line);
	show_processes();
	nframes = 0;
	struct actor *actors[2] = { &parent, &child };
	for (int i = 0; i < 2; i++) {
		if (!actors[i]->pid)
			continue;
		printf("role %d %s\n", actors[i]->pid, i == 0 ? "parent" : "child");
		if (i == 0)
			printf("area %d %lx %lx\n", parent.pid, area_start, area_end);
		show_memory(actors[i]->pid);
	}
	int counts = open("/proc/kpagecount", O_RDONLY), flags = open("/proc/kpageflags", O_RDONLY);
	for (int i = 0; i < nframes; i++)
		printf("kpage %" PRIx64 " %" PRIu64 " %" PRIx64 "\n", frames[i],
		       frame_info(counts, frames[i]), frame_info(flags, frames[i]));
	if (counts >= 0)
		close(counts);
	if (flags >= 0)
		close(flags);
	printf("end\n");
	fflush(stdout);
}

/* When the story is over: the actors still there go away, and are reaped. */
static void finish(void)
{
	if (child.pid)
		kill(child.pid, SIGKILL);
	if (parent.pid) {
		kill(parent.pid, SIGKILL);
		waitpid(parent.pid, NULL, 0);
	}
}

static void play(char *scenario)
{
	int steps = 0;
	char *save;

	for (char *line = strtok_r(scenario, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *rest;
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '#' || *line == 0)
			continue;
		if (strncmp(line, "start ", 6) == 0) {
			start(atol(line + 6));
		} else if (strncmp(line, "step ", 5) == 0) {
			step(steps++, line + 5);
		} else if ((rest = line + 7, strncmp(line, "parent ", 7) == 0)) {
			tell(&parent, rest);
		} else if ((rest = line + 6, strncmp(line, "child ", 6) == 0)) {
			tell(&child, rest);
		} else {
			fprintf(stderr, "see-collect: what is '%s'?\n", line);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	static char scenario[sizeof text];
	struct utsname u;

	if (argc > 2) {
		fprintf(stderr, "usage: see-collect [SCENARIO]\n");
		return 2;
	}
	if (argc == 2) {
		if (read_file(argv[1]) < 0) {
			fprintf(stderr, "see-collect: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		snprintf(scenario, sizeof scenario, "%s", text);
	} else {
		snprintf(scenario, sizeof scenario, "%s", the_story);
	}
	signal(SIGPIPE, SIG_IGN);
	uname(&u);
	printf("kernel %s %s\n", u.sysname, u.release);
	play(scenario);
	finish();
	return 0;
}
