/*
 * files.c - the files a worker makes in its sandbox: plain files of a few pages,
 * a directory, a symlink, a FIFO, a program with a damaged ELF header and a
 * script with a strange #! line. Children exec the last two (as nobody), and
 * map, truncate, read and write the rest.
 */
#include "fuzz.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BASE 0x400000ul

struct tiny {
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr[2];
	uint8_t code[16];
};

/* mov $60, %eax; mov $42, %edi; syscall: exit(42). */
static const uint8_t exit42[] = { 0xb8, 60, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05 };

static void tiny_valid(struct tiny *t)
{
	memset(t, 0, sizeof *t);
	memcpy(t->ehdr.e_ident, ELFMAG, SELFMAG);
	t->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	t->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	t->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	t->ehdr.e_type = ET_EXEC;
	t->ehdr.e_machine = EM_X86_64;
	t->ehdr.e_version = EV_CURRENT;
	t->ehdr.e_entry = BASE + offsetof(struct tiny, code);
	t->ehdr.e_phoff = sizeof(Elf64_Ehdr);
	t->ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	t->ehdr.e_phentsize = sizeof(Elf64_Phdr);
	t->ehdr.e_phnum = 1;
	t->phdr[0].p_type = PT_LOAD;
	t->phdr[0].p_flags = PF_R | PF_X;
	t->phdr[0].p_vaddr = t->phdr[0].p_paddr = BASE;
	t->phdr[0].p_filesz = t->phdr[0].p_memsz = sizeof *t;
	t->phdr[0].p_align = 4096;
	/* A second segment for damage to land in: data plus bss. */
	t->phdr[1].p_type = PT_LOAD;
	t->phdr[1].p_flags = PF_R | PF_W;
	t->phdr[1].p_vaddr = t->phdr[1].p_paddr = BASE + 0x10000;
	t->phdr[1].p_filesz = 16;
	t->phdr[1].p_memsz = 0x3000;
	t->phdr[1].p_align = 4096;
	memcpy(t->code, exit42, sizeof exit42);
}

/* A field of the headers set to a boundary value, or a byte flipped. */
static void damage(struct fz *f, struct tiny *t)
{
	static const uint64_t values[] = {
		0, 1, 0xfff, 0x1000, BASE - 1, 0x7ffffffff000ull, 0x800000000000ull,
		0xffffffff80000000ull, ~0ull, 1ull << 40, 0xffff, 0x10000,
	};
	uint8_t *bytes = (uint8_t *)t;
	uint64_t value = values[rng_below(&f->rng, sizeof values / sizeof *values)];

	switch (rng_below(&f->rng, 4)) {
	case 0:		/* a header byte */
		bytes[rng_below(&f->rng, sizeof(Elf64_Ehdr))] ^= 1u << rng_below(&f->rng, 8);
		break;
	case 1: {	/* an 8-byte field of a program header */
		uint64_t *field = (uint64_t *)&t->phdr[rng_below(&f->rng, 2)];
		field[rng_below(&f->rng, sizeof(Elf64_Phdr) / 8)] = value;
		break;
	}
	case 2:		/* the entry point or the program header table */
		if (rng_one_in(&f->rng, 2))
			t->ehdr.e_entry = value;
		else
			t->ehdr.e_phoff = value;
		break;
	default:	/* the number or size of program headers */
		if (rng_one_in(&f->rng, 2))
			t->ehdr.e_phnum = (uint16_t)value;
		else
			t->ehdr.e_phentsize = (uint16_t)value;
		break;
	}
}

static void write_file(const char *path, const void *bytes, size_t len, int mode)
{
	int fd = (int)FZ3(SYS_open, path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return;
	FZ3(SYS_write, fd, bytes, len);
	FZ1(SYS_close, fd);
	FZ2(SYS_chmod, path, mode);
}

void files_write_bad_program(struct fz *f, const char *path)
{
	struct tiny t;
	size_t len = sizeof t;

	tiny_valid(&t);
	t.phdr[1].p_offset = 0;
	for (int n = (int)rng_below(&f->rng, 3); n >= 0; n--)
		damage(f, &t);
	if (rng_one_in(&f->rng, 4))
		len = rng_below(&f->rng, sizeof t);	/* truncated */
	write_file(path, &t, len, 0777);
}

void files_write_script(struct fz *f, const char *path)
{
	char text[300];
	const char *interpreter;

	switch (rng_below(&f->rng, 7)) {
	case 0: interpreter = "/bin/true"; break;
	case 1: interpreter = "/nonexistent"; break;
	case 2: interpreter = path; break;			/* itself: ELOOP */
	case 3: interpreter = ""; break;
	case 4: interpreter = "/tests/fuzz/fuzz"; break;	/* exits at once */
	case 5: interpreter = "/dev/null"; break;
	default: {
		static char elf[64];
		snprintf(elf, sizeof elf, "%s/elf", f->dir);
		interpreter = elf;
		break;
	}
	}
	int n = snprintf(text, sizeof text, "#!%s%s\nexit 3\n", interpreter,
			 rng_one_in(&f->rng, 4) ? " -x arg" : "");
	if (rng_one_in(&f->rng, 8)) {		/* a #! line longer than any limit */
		memset(text + 2, 'x', sizeof text - 3);
		text[sizeof text - 1] = '\n';
		n = sizeof text;
	}
	write_file(path, text, (size_t)n, 0777);
}

void files_populate(struct fz *f)
{
	char path[96];

	FZ2(SYS_mkdir, f->dir, 0777);
	FZ2(SYS_chmod, f->dir, 0777);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/f%d", f->dir, i);
		size_t len = rng_below(&f->rng, 4 * 4096);
		for (size_t at = 0; at < len && at < FZ_SCRATCH; at++)
			f->scratch[at] = (char)('a' + i);
		write_file(path, f->scratch, len, 0666);
	}
	snprintf(path, sizeof path, "%s/d0", f->dir);
	FZ2(SYS_mkdir, path, 0777);
	snprintf(path, sizeof path, "%s/link", f->dir);
	FZ2(SYS_symlink, "f0", path);
	snprintf(path, sizeof path, "%s/fifo", f->dir);
	FZ3(SYS_mknod, path, S_IFIFO | 0666, 0);
	snprintf(path, sizeof path, "%s/elf", f->dir);
	files_write_bad_program(f, path);
	snprintf(path, sizeof path, "%s/script", f->dir);
	files_write_script(f, path);
}
