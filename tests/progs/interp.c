/*
 * interp.c - execve of programs that name an interpreter (PT_INTERP), the way every
 * dynamically linked program names ld.so.
 *
 * Two tiny ELF files are built in memory. The program exits with 42 if it ever runs.
 * The interpreter is position independent (ET_DYN, placed by the kernel): it walks
 * its stack to the auxiliary vector, checks that AT_BASE is where it was loaded and
 * that AT_PHDR, AT_PHNUM and AT_ENTRY describe the program, and jumps to AT_ENTRY;
 * a wrong value exits with 44 to 47 instead. Then each test breaks one thing and
 * checks Linux's answer: the errno of execve before the point of no return, the
 * death of the new process after it. The expected results are Linux's; this runs on
 * both kernels and the differential test compares.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util.h"

#define PROGRAM_BASE 0x400000ul
#define INTERP_PATH "/tmp/interp"
#define INTERP_SIZE 4096

/*
 * The interpreter's code: position independent, so that its bytes can be copied
 * into a file the kernel loads anywhere. Exit codes: 44 AT_BASE is not the load
 * address, 45 AT_PHDR is not 112 bytes below AT_ENTRY (the program's two program
 * headers sit just before its code), 46 AT_PHNUM is not 2, 47 no AT_ENTRY.
 */
extern const uint8_t interp_code[], interp_code_end[];
__asm__(".pushsection .rodata\n"
	".globl interp_code, interp_code_end\n"
	"interp_code:\n"
	"	mov (%rsp), %rcx\n"		/* argc */
	"	lea 16(%rsp,%rcx,8), %rsi\n"	/* envp */
	"1:	mov (%rsi), %rax\n"
	"	add $8, %rsi\n"
	"	test %rax, %rax\n"
	"	jnz 1b\n"			/* rsi: the auxiliary vector */
	"	xor %edx, %edx\n"		/* AT_ENTRY */
	"	xor %edi, %edi\n"		/* AT_PHDR */
	"	xor %r8d, %r8d\n"		/* AT_BASE */
	"	xor %r10d, %r10d\n"		/* AT_PHNUM */
	"2:	mov (%rsi), %rax\n"
	"	test %rax, %rax\n"
	"	jz 9f\n"
	"	cmp $9, %rax\n"
	"	cmove 8(%rsi), %rdx\n"
	"	cmp $3, %rax\n"
	"	cmove 8(%rsi), %rdi\n"
	"	cmp $7, %rax\n"
	"	cmove 8(%rsi), %r8\n"
	"	cmp $5, %rax\n"
	"	cmove 8(%rsi), %r10\n"
	"	add $16, %rsi\n"
	"	jmp 2b\n"
	"9:	mov $47, %eax\n"
	"	test %rdx, %rdx\n"
	"	jz 7f\n"
	"	lea interp_code(%rip), %r9\n"
	"	sub $176, %r9\n"		/* the ELF header: 64 + 2 * 56 bytes before */
	"	mov $44, %eax\n"
	"	cmp %r9, %r8\n"
	"	jne 7f\n"
	"	mov %rdx, %r9\n"
	"	sub %rdi, %r9\n"
	"	mov $45, %eax\n"
	"	cmp $112, %r9\n"
	"	jne 7f\n"
	"	mov $46, %eax\n"
	"	cmp $2, %r10\n"
	"	jne 7f\n"
	"	jmp *%rdx\n"
	"7:	mov %eax, %edi\n"
	"	mov $60, %eax\n"
	"	syscall\n"
	"interp_code_end:\n"
	".popsection\n");

/* mov $60, %eax; mov $42, %edi; syscall: exit(42). */
static const uint8_t exit42[] = { 0xb8, 60, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05 };

/* An ELF file of two program headers (the second PT_LOAD covers the whole file),
 * then code, then (for the program) the interpreter's name. */
struct tiny {
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr[2];
	uint8_t code[256];
	char interp[32];
};

#define CODE_OFFSET offsetof(struct tiny, code)
#define INTERP_OFFSET offsetof(struct tiny, interp)

static struct tiny elf(uint16_t type, uint64_t base)
{
	struct tiny t;

	memset(&t, 0, sizeof t);
	memcpy(t.ehdr.e_ident, ELFMAG, SELFMAG);
	t.ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	t.ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	t.ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	t.ehdr.e_type = type;
	t.ehdr.e_machine = EM_X86_64;
	t.ehdr.e_version = EV_CURRENT;
	t.ehdr.e_entry = base + CODE_OFFSET;
	t.ehdr.e_phoff = sizeof(Elf64_Ehdr);
	t.ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	t.ehdr.e_phentsize = sizeof(Elf64_Phdr);
	t.ehdr.e_phnum = 2;
	t.phdr[1].p_type = PT_LOAD;
	t.phdr[1].p_flags = PF_R | PF_X;
	t.phdr[1].p_vaddr = t.phdr[1].p_paddr = base;
	t.phdr[1].p_filesz = t.phdr[1].p_memsz = sizeof t;
	t.phdr[1].p_align = 4096;
	return t;
}

/* The program: exit(42), naming name as its interpreter (PT_INTERP first). */
static struct tiny program(uint16_t type, const char *name)
{
	uint64_t base = type == ET_EXEC ? PROGRAM_BASE : 0;
	struct tiny t = elf(type, base);

	memcpy(t.code, exit42, sizeof exit42);
	strcpy(t.interp, name);
	t.phdr[0].p_type = PT_INTERP;
	t.phdr[0].p_flags = PF_R;
	t.phdr[0].p_offset = INTERP_OFFSET;
	t.phdr[0].p_vaddr = t.phdr[0].p_paddr = base + INTERP_OFFSET;
	t.phdr[0].p_filesz = t.phdr[0].p_memsz = strlen(name) + 1;
	t.phdr[0].p_align = 1;
	return t;
}

/* The interpreter: position independent; its first program header is PT_NULL,
 * so that its layout is the program's. */
static struct tiny interpreter(void)
{
	struct tiny t = elf(ET_DYN, 0);

	memcpy(t.code, interp_code, interp_code_end - interp_code);
	t.phdr[0].p_type = PT_NULL;
	/* A whole page: Linux 6.1 zeroes the rest of an interpreter's last file page
	 * whatever its protection, and kills the process when that page is read-only
	 * (real interpreters end in a writable segment). */
	t.phdr[1].p_filesz = t.phdr[1].p_memsz = INTERP_SIZE;
	return t;
}

static int write_file_bytes(const char *path, const void *bytes, size_t len, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, bytes, len);
	close(fd);
	return n == (ssize_t)len ? chmod(path, mode) : -1;
}

/* Run path in a child; if execve fails the child exits with 100 + errno. */
static int run(const char *path)
{
	pid_t pid = xfork();
	if (pid == 0) {
		char *const argv[] = { (char *)path, "an argument", NULL };
		execve(path, argv, (char *[]){ "A=1", "B=2", NULL });
		_exit(100 + errno);
	}
	return wait_status(pid);
}

static int exec_errno(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

static void put_program(struct tiny *t)
{
	write_file_bytes("/tmp/prog", t, sizeof *t, 0755);
}

/* The first len bytes of the interpreter's page. */
static void put_interpreter(struct tiny *t, size_t len, mode_t mode)
{
	static uint8_t page[INTERP_SIZE];

	memset(page, 0, sizeof page);
	memcpy(page, t, sizeof *t);
	write_file_bytes(INTERP_PATH, page, len, mode);
}

static void expect_errno(int want, const char *what)
{
	int st = run("/tmp/prog");
	ok(exec_errno(st) == want, "%s: %s", what, strerror(want));
	if (exec_errno(st) != want)
		diag_status(st);
}

static void test_runs(void)
{
	struct tiny p = program(ET_EXEC, INTERP_PATH), i = interpreter();

	put_program(&p);
	put_interpreter(&i, INTERP_SIZE, 0755);
	ok_exit(run("/tmp/prog"), 42,
		"the interpreter runs first, finds AT_BASE, AT_PHDR, AT_PHNUM, AT_ENTRY right and jumps to the program");
	p = program(ET_DYN, INTERP_PATH);
	put_program(&p);
	ok_exit(run("/tmp/prog"), 42, "the same for a position-independent program");
	symlink(INTERP_PATH, "/tmp/interp-link");
	p = program(ET_EXEC, "/tmp/interp-link");
	put_program(&p);
	ok_exit(run("/tmp/prog"), 42, "an interpreter reached through a symbolic link");
	unlink("/tmp/interp-link");
}

static void test_names(void)
{
	struct tiny p = program(ET_EXEC, "/tmp/no-such-interpreter");

	put_program(&p);
	expect_errno(ENOENT, "a missing interpreter");
	p = program(ET_EXEC, INTERP_PATH);
	p.phdr[0].p_filesz = strlen(INTERP_PATH);	/* the NUL left out */
	put_program(&p);
	expect_errno(ENOEXEC, "an interpreter name without its NUL");
	p = program(ET_EXEC, "/");
	p.phdr[0].p_filesz = 1;
	put_program(&p);
	expect_errno(ENOEXEC, "a PT_INTERP of one byte");
	p = program(ET_EXEC, INTERP_PATH);
	p.phdr[0].p_filesz = 8192;
	put_program(&p);
	expect_errno(ENOEXEC, "a PT_INTERP longer than PATH_MAX");
	p = program(ET_EXEC, INTERP_PATH);
	p.phdr[0].p_offset = 1 << 20;
	put_program(&p);
	expect_errno(EIO, "a PT_INTERP past the end of the file");
	p = program(ET_EXEC, "/tmp");
	put_program(&p);
	expect_errno(EACCES, "a directory as the interpreter");
}

static void test_bad_interpreters(void)
{
	struct tiny p = program(ET_EXEC, INTERP_PATH), i = interpreter();

	put_program(&p);
	put_interpreter(&i, INTERP_SIZE, 0644);
	expect_errno(EACCES, "an interpreter without execute permission");
	static const char script[] = "#!/bin/sh\n# a script long enough to hold an ELF header:"
				     " the kernel reads that much before it looks\necho no\n";
	write_file_bytes(INTERP_PATH, script, sizeof script - 1, 0755);
	expect_errno(ELIBBAD, "a script as the interpreter");
	put_interpreter(&i, 40, 0755);
	expect_errno(EIO, "an interpreter shorter than an ELF header");
	i = interpreter();
	i.ehdr.e_machine = EM_AARCH64;
	put_interpreter(&i, INTERP_SIZE, 0755);
	expect_errno(ELIBBAD, "an interpreter for another machine");
	i = interpreter();
	i.ehdr.e_phoff = 1 << 20;
	put_interpreter(&i, INTERP_SIZE, 0755);
	expect_errno(ELIBBAD, "an interpreter whose program headers are past its end");
	i = interpreter();
	i.ehdr.e_type = ET_REL;
	put_interpreter(&i, INTERP_SIZE, 0755);
	ok_killed(run("/tmp/prog"), SIGSEGV, "a relocatable object as the interpreter: SIGSEGV");
	i = interpreter();
	i.phdr[1].p_filesz = i.phdr[1].p_memsz + INTERP_SIZE;
	put_interpreter(&i, INTERP_SIZE, 0755);
	ok_killed(run("/tmp/prog"), SIGSEGV, "an interpreter segment with p_filesz > p_memsz: SIGSEGV");
}

/* While the program runs, its interpreter is an ordinary file again. */
static void test_writable_after(void)
{
	struct tiny p = program(ET_EXEC, INTERP_PATH), i = interpreter();

	put_program(&p);
	put_interpreter(&i, INTERP_SIZE, 0755);
	ok_exit(run("/tmp/prog"), 42, "the program runs again");
	int fd = open(INTERP_PATH, O_WRONLY);
	ok(fd >= 0, "the interpreter can be opened for writing once exec is done");
	if (fd >= 0)
		close(fd);
	unlink(INTERP_PATH);
	unlink("/tmp/prog");
}

int main(void)
{
	no_core_dumps();
	plan(19);
	test_runs();
	test_names();
	test_bad_interpreters();
	test_writable_after();
	ok(getpid() > 0, "the caller is intact after all of it");
	return done();
}
