/*
 * badelf.c - execve of malformed programs.
 *
 * A tiny valid ELF program (it exits with status 42) is built in memory, and each
 * test breaks one thing in it, writes it to /tmp and runs it in a child. Before the
 * point of no return a broken program must make execve fail with Linux's errno and
 * leave the caller as it was; after it, only the new process may die. The expected
 * results are Linux's, including where Linux finds a problem only after the point
 * of no return (a bad entry point or segment kills the new process): this runs on
 * both kernels and the differential test compares.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "util.h"

#define BASE 0x400000ul
#define CODE_OFFSET (sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr))

struct tiny {
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr;
	uint8_t code[16];
};

/* mov $60, %eax; mov $42, %edi; syscall: exit(42). */
static const uint8_t exit42[] = { 0xb8, 60, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05 };

static struct tiny valid(void)
{
	struct tiny t;

	memset(&t, 0, sizeof t);
	memcpy(t.ehdr.e_ident, ELFMAG, SELFMAG);
	t.ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	t.ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	t.ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	t.ehdr.e_type = ET_EXEC;
	t.ehdr.e_machine = EM_X86_64;
	t.ehdr.e_version = EV_CURRENT;
	t.ehdr.e_entry = BASE + CODE_OFFSET;
	t.ehdr.e_phoff = sizeof(Elf64_Ehdr);
	t.ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	t.ehdr.e_phentsize = sizeof(Elf64_Phdr);
	t.ehdr.e_phnum = 1;
	t.phdr.p_type = PT_LOAD;
	t.phdr.p_flags = PF_R | PF_X;
	t.phdr.p_offset = 0;
	t.phdr.p_vaddr = t.phdr.p_paddr = BASE;
	t.phdr.p_filesz = t.phdr.p_memsz = sizeof t;
	t.phdr.p_align = 4096;
	memcpy(t.code, exit42, sizeof exit42);
	return t;
}

static int write_program(const char *path, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, bytes, len);
	close(fd);
	return n == (ssize_t)len ? chmod(path, 0755) : -1;
}

/*
 * Run path in a child. Returns the child's wait status; if execve failed, the child
 * exits with 100 + errno, so exec_errno() can tell.
 */
static int run(const char *path, char *const argv[])
{
	pid_t pid = xfork();
	if (pid == 0) {
		char *const default_argv[] = { (char *)path, NULL };
		execve(path, argv ? argv : default_argv, (char *[]){ NULL });
		_exit(100 + errno);
	}
	return wait_status(pid);
}

static int exec_errno(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

/* Write the bytes as a program and check that execve fails with want. */
static void expect_errno(const void *bytes, size_t len, int want, const char *what)
{
	write_program("/tmp/bad", bytes, len);
	int st = run("/tmp/bad", NULL);
	ok(exec_errno(st) == want, "%s: %s", what, strerror(want));
	if (exec_errno(st) != want)
		diag_status(st);
}

static void test_valid(void)
{
	struct tiny t = valid();
	write_program("/tmp/good", &t, sizeof t);
	ok_exit(run("/tmp/good", NULL), 42, "the tiny valid program runs and exits with 42");
}

static void test_headers(void)
{
	struct tiny t = valid();

	expect_errno("", 0, ENOEXEC, "an empty file");
	expect_errno(&t, 10, ENOEXEC, "an ELF header cut after 10 bytes");
	expect_errno(&t, sizeof(Elf64_Ehdr) + 8, ENOEXEC, "program headers cut short");
	t = valid();
	t.ehdr.e_machine = EM_AARCH64;
	expect_errno(&t, sizeof t, ENOEXEC, "another machine");
	t = valid();
	t.ehdr.e_type = ET_REL;
	expect_errno(&t, sizeof t, ENOEXEC, "a relocatable object");
	t = valid();
	t.ehdr.e_phentsize = 40;
	expect_errno(&t, sizeof t, ENOEXEC, "a wrong program header size");
	t = valid();
	t.ehdr.e_phnum = 0;
	expect_errno(&t, sizeof t, ENOEXEC, "no program headers");
	t = valid();
	t.ehdr.e_phoff = 1 << 20;
	expect_errno(&t, sizeof t, ENOEXEC, "program headers past the end of the file");
	t = valid();
	t.ehdr.e_phnum = 60000;
	expect_errno(&t, sizeof t, ENOEXEC, "60000 program headers");
}

/* Broken segments are found after the point of no return on Linux: the new
 * process dies (SIGSEGV or SIGKILL), the caller sees it in wait. */
static void expect_death(struct tiny *t, const char *what)
{
	write_program("/tmp/bad", t, sizeof *t);
	int st = run("/tmp/bad", NULL);
	ok(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGKILL),
	   "%s: the new process dies", what);
	if (!WIFSIGNALED(st))
		diag_status(st);
}

static void test_segments(void)
{
	struct tiny t = valid();

	t.ehdr.e_entry = 0x10000000;
	expect_death(&t, "an entry point outside every segment");
	t = valid();
	t.phdr.p_filesz = t.phdr.p_memsz + 4096;
	expect_death(&t, "p_filesz larger than p_memsz");
	t = valid();
	t.phdr.p_memsz = 1ul << 46;
	t.phdr.p_filesz = sizeof t;
	expect_death(&t, "a segment of 64 TiB");
	t = valid();
	t.phdr.p_vaddr = 0xffffffff80000000ul;
	expect_death(&t, "a segment at a kernel address");
}

static void test_scripts(void)
{
	/* Linux opens the empty interpreter name as the current directory. */
	expect_errno("#!", 2, EACCES, "#! with nothing after it");
	write_program("/tmp/noeol", "#!/bin/sh", 9);
	ok_exit(run("/tmp/noeol", NULL), 0, "#!/bin/sh without a newline runs the shell");
	write_program("/tmp/loop", "#!/tmp/loop\n", 12);
	ok(exec_errno(run("/tmp/loop", NULL)) == ELOOP, "#! naming itself: ELOOP");
	expect_errno("#!/nonexistent/interpreter\n", 27, ENOENT, "#! naming a missing interpreter");
	char longline[300];
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "#!/", 3);
	expect_errno(longline, sizeof longline, ENOEXEC, "#! with a 300-character interpreter and no end");
}

static void test_files_and_arguments(void)
{
	struct tiny t = valid();

	write_program("/tmp/noexec", &t, sizeof t);
	chmod("/tmp/noexec", 0644);
	ok(exec_errno(run("/tmp/noexec", NULL)) == EACCES, "a file without execute permission: EACCES");
	ok(exec_errno(run("/tmp", NULL)) == EACCES, "a directory: EACCES");
	ok(exec_errno(run("/tmp/none", NULL)) == ENOENT, "a missing file: ENOENT");

	size_t len = 128 * 1024 + 1;
	char *big = malloc(len + 1);
	memset(big, 'x', len);
	big[len] = 0;
	char *argv[] = { "/tmp/good", big, NULL };
	ok(exec_errno(run("/tmp/good", argv)) == E2BIG, "an argument of 128 KiB + 1: E2BIG");
	big[len - 2] = 0;
	ok_exit(run("/tmp/good", argv), 42, "an argument just under 128 KiB is fine");
	size_t count = 40;
	char **many = calloc(count + 2, sizeof(char *));
	many[0] = "/tmp/good";
	memset(big, 'y', len - 2);
	for (size_t i = 1; i <= count; i++)
		many[i] = big;		/* 40 x 128 KiB: over the 2 MiB limit */
	ok(exec_errno(run("/tmp/good", many)) == E2BIG, "5 MiB of arguments: E2BIG");
	free(many);
	free(big);
}

int main(void)
{
	plan(26);
	test_valid();
	test_headers();
	test_segments();
	test_scripts();
	test_files_and_arguments();
	ok(getpid() > 0, "the caller is intact after all of it");
	return done();
}
