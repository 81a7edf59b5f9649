/*
 * see-actor - the process that see-collect watches: it fills some memory, forks,
 * reads and writes pages, execs and exits when it is told to, one step at a time.
 *
 *     see-actor PAGES        (started by see-collect, never by hand)
 *
 * It talks to see-collect through four descriptors that see-collect set up:
 * 3 brings the parent's commands and 4 takes its answers; 5 and 6 are the same
 * for the child it will fork. At fork each side closes the other's pair. Every
 * command is one line and is answered with one line once it is done, so that
 * see-collect looks at the processes only while they stand still.
 *
 * It is a program of its own, not a mode of see-collect, so that its pages are
 * only its own: a watcher that forked it without exec would share them.
 *
 * Commands: fork, read, write PAGE, exec PROGRAM [ARG]..., wait, exit.
 * Answers: "ready START END" (its memory), "forked PID", "done", or an error line.
 * exec answers by closing the descriptors (close-on-exec): see-collect reads EOF.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "readfile.h"

#define PAGE 4096
#define MAX_ARGS 8

static int commands = 3, answers = 4;
static char *memory;
static long pages;

/* So that its layout has every part the article draws: data (initialised),
 * bss (zeroed) and a heap, each with pages it wrote, beside the mapping.
 * Not static: the compiler must keep arrays that are only written. */
char data_part[2 * PAGE] = "initialised data";
char bss_part[3 * PAGE];

/* Answers are written with one write(2), from a buffer on the stack that was
 * already in use: no allocation, nothing that would fault pages in. */
static void answer(const char *text)
{
	char line[128];
	int n = snprintf(line, sizeof line, "%s\n", text);

	if (write(answers, line, n) != n)
		_exit(1);
}

/* One command line into `line` (without the newline); 0 at EOF. Read byte by
 * byte, so that nothing meant for the other process is consumed. */
static int next_command(char *line, size_t size)
{
	return read_fd_line(commands, line, size);
}

static void do_fork(void)
{
	char text[64];
	pid_t pid = fork();

	if (pid < 0) {
		answer("error fork");
		return;
	}
	if (pid == 0) {
		close(3);
		close(4);
		commands = 5;
		answers = 6;
		answer("ready");
		return;
	}
	close(5);
	close(6);
	snprintf(text, sizeof text, "forked %d", pid);
	answer(text);
}

static void do_exec(char *args)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;

	for (char *word = strtok(args, " "); word && argc < MAX_ARGS; word = strtok(NULL, " "))
		argv[argc++] = word;
	argv[argc] = NULL;
	if (argc == 0) {
		answer("error exec wants a program");
		return;
	}
	/* The new program keeps neither pipe: the watcher's EOF says exec is done. */
	fcntl(commands, F_SETFD, FD_CLOEXEC);
	fcntl(answers, F_SETFD, FD_CLOEXEC);
	execv(argv[0], argv);
	answer("error exec failed");
}

int main(int argc, char **argv)
{
	char line[256], text[64];
	volatile char sink;

	pages = argc > 1 ? atol(argv[1]) : 0;
	if (pages <= 0 || fcntl(3, F_GETFD) < 0 || fcntl(4, F_GETFD) < 0) {
		fprintf(stderr, "see-actor: started by see-collect, with descriptors 3 to 6\n");
		return 2;
	}
	memory = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		return 1;
	for (long i = 0; i < pages; i++)
		memory[i * PAGE] = 'p';
	/* musl's sbrk only answers sbrk(0): ask the kernel itself. */
	char *heap = (char *)syscall(SYS_brk, 0);
	if ((char *)syscall(SYS_brk, heap + 2 * PAGE) != heap + 2 * PAGE)
		return 1;
	heap[0] = heap[PAGE] = 'h';
	bss_part[0] = bss_part[2 * PAGE] = data_part[PAGE] = data_part[0];
	snprintf(text, sizeof text, "ready %lx %lx", (unsigned long)memory,
		 (unsigned long)(memory + pages * PAGE));
	answer(text);

	while (next_command(line, sizeof line)) {
		if (strcmp(line, "fork") == 0) {
			do_fork();
		} else if (strcmp(line, "read") == 0) {
			for (long i = 0; i < pages; i++)
				sink = memory[i * PAGE];
			(void)sink;
			answer("done");
		} else if (strncmp(line, "write ", 6) == 0) {
			long i = atol(line + 6);
			if (i < 0 || i >= pages) {
				answer("error no such page");
				continue;
			}
			memory[i * PAGE] = 'w';
			answer("done");
		} else if (strncmp(line, "exec ", 5) == 0) {
			do_exec(line + 5);
		} else if (strcmp(line, "wait") == 0) {
			wait(NULL);
			answer("done");
		} else if (strcmp(line, "exit") == 0) {
			_exit(0);
		} else {
			answer("error unknown command");
		}
	}
	return 0;
}
