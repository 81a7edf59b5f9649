/*
 * proc/exec.c - replacing a process's image: execve.
 *
 * Everything that can fail happens before the point of no return: the file is found
 * and checked, #! scripts are resolved, the interpreter a dynamically linked program
 * names (PT_INTERP) is opened and checked, the arguments are copied in, and the
 * whole new address space (segments, the interpreter's segments, heap start, stack
 * with argv/envp/auxv) is built on the side. Only then does the process switch to
 * it and drop the old one; after that nothing can fail, so a failed execve leaves
 * the caller's image intact. One kind of failure is nevertheless fatal, because
 * Linux finds it after its own point of no return and programs can tell: a segment
 * that cannot be placed (outside user space, p_filesz > p_memsz, more than memory
 * can hold) kills the process with SIGSEGV, as on Linux.
 *
 * A dynamically linked program starts in its interpreter (ld.so), which finds the
 * program through the auxiliary vector (AT_PHDR, AT_ENTRY, AT_BASE) and maps the
 * libraries itself with mmap. Segments are mapped by proc/elf_load.c.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "proc/elf.h"
#include "proc/elf_load.h"
#include "proc/exec_args.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "fs/fs.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define PATH_MAX		4096
#define SCRIPT_DEPTH_MAX	4	/* Linux gives up with ELOOP after this many #! */
#define SCRIPT_LINE_MAX		256
#define STACK_EXTRA		(128ul << 10)	/* room to grow before the first fault */
#define AUXV_PAIRS		21
/* Where Linux puts a dynamically linked ET_DYN program, without randomization:
 * two thirds of the 47-bit user space (x86's ELF_ET_DYN_BASE). */
#define ELF_ET_DYN_BASE		((USER_TOP / 3 * 2) & PAGE_MASK)

static uint64_t page_down(uint64_t a) { return a & PAGE_MASK; }
static uint64_t page_up(uint64_t a) { return (a + PAGE_SIZE - 1) & PAGE_MASK; }

/* ------------------------------------------------------------------ the stack */

struct stack_builder {
	uint8_t *buffer;	/* mirrors [base, MM_STACK_TOP) */
	uint64_t base, sp;
};

static uint64_t push_bytes(struct stack_builder *b, const void *bytes, size_t length)
{
	b->sp -= length;
	memcpy(b->buffer + (b->sp - b->base), bytes, length);
	return b->sp;
}

/* Store a word at a user address inside the mirror. */
static void put_word(struct stack_builder *b, uint64_t address, uint64_t word)
{
	memcpy(b->buffer + (address - b->base), &word, sizeof(word));
}

static size_t stack_bytes_needed(const struct exec_args *args, const char *filename)
{
	return 8 + strlen(filename) + 1 + args->used + 7 + 16 + 32 +
	       (size_t)(args->argc + args->envc + 3 + 2 * AUXV_PAIRS) * 8;
}

/* Write the auxiliary vector starting at address; returns the address after it. */
static uint64_t put_auxv(struct stack_builder *b, uint64_t address, const struct elf_image *image,
			 uint64_t interp_base, uint64_t random, uint64_t platform,
			 uint64_t execfn, const struct proc *proc)
{
	/* Linux's order; AT_HWCAP2 would have FSGSBASE if calf let programs use it. */
	const uint64_t auxv[][2] = {
		{ AT_MINSIGSTKSZ, signal_frame_max_size() }, { AT_HWCAP, cpuid(1, 0).edx },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, TIMER_HZ },
		{ AT_PHDR, image->phdr_address }, { AT_PHENT, sizeof(struct elf64_program_header) },
		{ AT_PHNUM, image->header.phnum }, { AT_BASE, interp_base }, { AT_FLAGS, 0 },
		{ AT_ENTRY, image->entry },
		{ AT_UID, proc->task.cred.uid }, { AT_EUID, proc->task.cred.euid },
		{ AT_GID, proc->task.cred.gid }, { AT_EGID, proc->task.cred.egid }, { AT_SECURE, 0 },
		{ AT_RANDOM, random }, { AT_HWCAP2, 0 }, { AT_EXECFN, execfn },
		{ AT_PLATFORM, platform }, { AT_NULL, 0 },
	};
	_Static_assert(sizeof(auxv) / sizeof(auxv[0]) <= AUXV_PAIRS, "room for the auxv");

	for (unsigned i = 0; i < sizeof(auxv) / sizeof(auxv[0]); i++) {
		put_word(b, address, auxv[i][0]);
		put_word(b, address + 8, auxv[i][1]);
		address += 16;
	}
	return address;
}

/* Write a NULL-terminated pointer array to `count` consecutive strings. */
static uint64_t put_pointers(struct stack_builder *b, uint64_t address, uint64_t *string,
			     int count)
{
	for (int i = 0; i < count; i++) {
		put_word(b, address, *string);
		address += 8;
		*string += strlen((const char *)b->buffer + (*string - b->base)) + 1;
	}
	put_word(b, address, 0);
	return address + 8;
}

/*
 * Lay out the new stack as Linux does, top down: 8 zero bytes, the file name, the
 * argument and environment strings, the platform string, 16 random bytes, then
 * (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv.
 */
static int build_stack(struct mm *mm, const struct exec_args *args, const char *filename,
		       const struct elf_image *image, uint64_t interp_base,
		       const struct proc *proc, uint64_t *sp_out)
{
	size_t mirror = page_up(stack_bytes_needed(args, filename)) + PAGE_SIZE;
	struct stack_builder b = { kmalloc(mirror), MM_STACK_TOP - mirror, MM_STACK_TOP };
	uint8_t random[16];

	if (!b.buffer)
		return -ENOMEM;
	b.sp -= 8;
	memset(b.buffer + (b.sp - b.base), 0, 8);
	uint64_t execfn = push_bytes(&b, filename, strlen(filename) + 1);
	uint64_t strings = push_bytes(&b, args->strings, args->used);
	uint64_t platform = push_bytes(&b, "x86_64", 7);
	b.sp &= ~15ull;
	random_bytes(random, sizeof(random));
	uint64_t random_at = push_bytes(&b, random, sizeof(random));

	size_t words = 1 + (args->argc + 1) + (args->envc + 1) + 2 * AUXV_PAIRS;
	uint64_t sp = (b.sp - words * 8) & ~15ull;
	uint64_t at = sp, string = strings;
	put_word(&b, at, args->argc);
	at = put_pointers(&b, at + 8, &string, args->argc);
	mm->arg_start = strings;
	mm->arg_end = mm->env_start = string;
	at = put_pointers(&b, at, &string, args->envc);
	mm->env_end = string;
	put_auxv(&b, at, image, interp_base, random_at, platform, execfn, proc);

	uint64_t low = page_down(sp);
	int error = mm_map(mm, low - STACK_EXTRA, MM_STACK_TOP - (low - STACK_EXTRA),
			   PROT_READ | PROT_WRITE, VMA_GROWSDOWN | VMA_STACK);
	if (!error)
		error = mm_copy_in(mm, low, b.buffer + (low - b.base), MM_STACK_TOP - low);
	kfree(b.buffer);
	mm->start_stack = sp;
	*sp_out = sp;
	return error;
}

/* ------------------------------------------------------------------ #! scripts */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parse "#!interpreter [argument]" from the first SCRIPT_LINE_MAX bytes of the file
 * (line, length of them read) the way Linux's binfmt_script does. Returns 1 when it
 * is a script (words filled, pointing into line), 0 when not, -ENOEXEC when no
 * interpreter is named or its name may have been cut off. Without a newline in
 * those bytes the line runs to their end, and the name ends at a blank or NUL.
 */
static int parse_script(char *line, long length, const char *words[2], int *count)
{
	char *last = line + SCRIPT_LINE_MAX - 1;

	if (length < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	memset(line + length, 0, SCRIPT_LINE_MAX - length);
	char *stop = memchr(line, '\n', SCRIPT_LINE_MAX);
	if (!stop) {
		char *name = line + 2;
		while (name < last && blank(*name))
			name++;
		char *term = name;
		while (term < last && *term && !blank(*term))
			term++;
		if (name == last || term == last)
			return -ENOEXEC;
		stop = last;
	}
	while (stop > line + 2 && blank(stop[-1]))
		stop--;
	*stop = '\0';
	char *p = line + 2;
	while (p < stop && blank(*p))
		p++;
	if (p == stop)
		return -ENOEXEC;
	words[0] = p;
	while (*p && !blank(*p))
		p++;
	*count = 1;
	if (*p) {
		/* Linux passes the rest of the line as one argument. */
		*p++ = '\0';
		while (blank(*p))
			p++;
		if (*p)
			words[(*count)++] = p;
	}
	return 1;
}

/* ------------------------------------------------------------------ execve */

struct exec_state {
	char path[PATH_MAX];
	struct exec_args args;
	struct file *file;		/* the program, open read-only, denying writes */
	struct inode *inode;		/* its inode (the file's reference) */
	struct elf_image image;
	struct file *interp_file;	/* its interpreter (ld.so), while exec loads it */
	struct elf_image interp;
	struct mm *mm;
	uint64_t sp, start;		/* the new stack pointer and instruction pointer */
	bool fatal;		/* the failure kills the process (as past Linux's point of
				 * no return) instead of returning an error */
};

/* Drop the file resolve_program opened (and its denial of writes). */
static void drop_file(struct exec_state *s)
{
	if (s->file) {
		file_allow_write(s->file);
		file_put(s->file);
	}
	s->file = NULL;
	s->inode = NULL;
}

static void drop_interpreter(struct exec_state *s)
{
	if (s->interp_file) {
		file_allow_write(s->interp_file);
		file_put(s->interp_file);
	}
	s->interp_file = NULL;
	elf_image_release(&s->interp);
}

static void release_state(struct exec_state *s)
{
	drop_file(s);
	drop_interpreter(s);
	elf_image_release(&s->image);
	if (s->mm)
		mm_put(s->mm);
	s->mm = NULL;
}

/* Open path; follow #! lines (up to SCRIPT_DEPTH_MAX) until an ELF file. */
static int resolve_program(struct exec_state *s)
{
	char line[SCRIPT_LINE_MAX];

	for (int depth = 0;; depth++) {
		int error = vfs_open_exec(s->path, &s->file);
		if (error)
			return error;
		error = file_deny_write(s->file);	/* open for writing: ETXTBSY */
		if (error) {
			file_put(s->file);
			s->file = NULL;
			return error;
		}
		s->inode = file_inode(s->file);
		long length = inode_read(s->inode, line, sizeof(line), 0);
		if (length < 0)
			return length;
		if (length >= (long)sizeof(s->image.header)) {
			memcpy(&s->image.header, line, sizeof(s->image.header));
			if (memcmp(line, ELF_MAGIC, 4) == 0)
				return elf_header_ok(&s->image.header) ? 0 : -ENOEXEC;
		}
		const char *words[3];
		int count = 0;
		int script = parse_script(line, length, words, &count);
		if (script <= 0)
			return script ? script : -ENOEXEC;
		if (depth == SCRIPT_DEPTH_MAX)
			return -ELOOP;
		/* An empty name opens, on Linux, the current directory: not a file. */
		if (words[0][0] == '\0')
			return -EACCES;
		words[count++] = s->path;
		error = exec_args_replace_first(&s->args, words, count);
		if (error)
			return error;
		if (strlen(words[0]) >= sizeof(s->path))
			return -ENAMETOOLONG;
		memmove(s->path, words[0], strlen(words[0]) + 1);
		drop_file(s);	/* the script: only the program run stays denied */
	}
}

/* The interpreter's name, from its PT_INTERP segment (Linux's checks and errors). */
static int read_interpreter_name(struct exec_state *s, const struct elf64_program_header *ph,
				 char *name)
{
	if (ph->filesz > PATH_MAX || ph->filesz < 2)
		return -ENOEXEC;
	long got = inode_read(s->inode, name, ph->filesz, ph->offset);
	if (got < 0)
		return got;
	if (got != (long)ph->filesz)
		return -EIO;
	return name[ph->filesz - 1] == '\0' ? 0 : -ENOEXEC;
}

/*
 * Open and check the interpreter a dynamically linked program names. A file that
 * is not an x86-64 ELF file is -ELIBBAD, as on Linux; a type other than
 * executable or shared object is found only when it is loaded, past the point of
 * no return.
 */
static int open_interpreter(struct exec_state *s, const struct elf64_program_header *ph)
{
	char *name = kmalloc(PATH_MAX);
	struct elf64_header *header = &s->interp.header;
	int error = name ? read_interpreter_name(s, ph, name) : -ENOMEM;

	if (!error)
		error = vfs_open_exec(name, &s->interp_file);
	kfree(name);
	if (error)
		return error;
	error = file_deny_write(s->interp_file);
	if (error) {
		file_put(s->interp_file);
		s->interp_file = NULL;
		return error;
	}
	struct inode *inode = file_inode(s->interp_file);
	long got = inode_read(inode, header, sizeof(*header), 0);
	if (got < 0)
		return got;
	if (got != sizeof(*header))
		return -EIO;
	if (memcmp(header->ident, ELF_MAGIC, 4) != 0 || header->machine != EM_X86_64 ||
	    header->phentsize != sizeof(struct elf64_program_header) || header->phnum == 0 ||
	    header->phnum > 65536 / sizeof(struct elf64_program_header))
		return -ELIBBAD;
	error = elf_read_program_headers(inode, &s->interp);
	return error == -ENOEXEC ? -ELIBBAD : error;
}

/* Map the program (and its interpreter) into the new address space. */
static int load_program(struct exec_state *s)
{
	uint64_t base = 0;

	if (s->interp_file && s->image.header.type == ET_DYN) {
		uint64_t align = s->image.max_align > PAGE_SIZE ? s->image.max_align : PAGE_SIZE;
		base = ELF_ET_DYN_BASE & ~(align - 1);
	}
	int error = elf_load(s->mm, s->file, &s->image, base);
	if (error || !s->interp_file)
		return error;
	if (s->interp.header.type != ET_EXEC && s->interp.header.type != ET_DYN)
		return -EINVAL;
	return elf_load(s->mm, s->interp_file, &s->interp, 0);
}

/*
 * Linux's de_thread: the other threads of the process are killed and waited for,
 * and a non-leader caller takes the leader's pid and place. -EAGAIN when the
 * process is already exiting (or another thread is execing): this one dies too.
 */
static int de_thread(struct proc *proc)
{
	struct thread_group *group = proc->group;

	if (group->live == 1 && proc_is_leader(proc))
		return 0;
	if (group->exiting || group->execer)
		return -EAGAIN;
	group->execer = proc;
	thread_kill_others(proc);
	wait_event(&group->threads_gone, group->live == 1);
	group->execer = NULL;
	thread_take_leadership(proc);
	return 0;
}

/* What the new program must not share with another process: its dispositions
 * (reset below) and its descriptor table (close-on-exec below). 0 or -ENOMEM. */
static int unshare_for_exec(struct proc *proc)
{
	if (thread_unshare_sighand(proc))
		return -ENOMEM;
	if (proc->task.files && fdtable_is_shared(proc->task.files)) {
		struct fdtable *own = fdtable_clone(proc->task.files);
		if (!own)
			return -ENOMEM;
		fdtable_put(proc->task.files);
		proc->task.files = own;
	}
	return 0;
}

static int build_image(struct exec_state *s, struct proc *proc)
{
	int error = elf_read_program_headers(s->inode, &s->image);
	const struct elf64_program_header *interp;

	if (error)
		return error;
	interp = elf_interp_header(&s->image);
	if (interp) {
		error = open_interpreter(s, interp);
		if (error)
			return error;
	}
	/* The program and its interpreter are good enough to try: the other threads
	 * go (before the new address space exists, so that no audit at their exits
	 * sees it unowned). */
	if (proc == current_proc()) {
		error = de_thread(proc);
		if (error)
			return error;
	}
	s->mm = mm_create();
	if (!s->mm)
		return -ENOMEM;
	error = load_program(s);
	if (error) {
		/* Linux maps segments after its point of no return: report such a
		 * failure the way it does, by the new program's death. */
		s->fatal = true;
		return error;
	}
	s->mm->start_code = s->image.start_code;
	s->mm->end_code = s->image.end_code;
	s->mm->start_data = s->image.start_data;
	s->mm->end_data = s->image.end_data;
	s->mm->brk_start = s->mm->brk = page_up(s->image.end_of_bss);
	s->mm->stack_limit = proc->limits[RLIMIT_STACK].current;
	s->start = s->interp_file ? s->interp.entry : s->image.entry;
	error = build_stack(s->mm, &s->args, s->path, &s->image,
			    s->interp_file ? s->interp.bias : 0, proc, &s->sp);
	drop_interpreter(s);	/* Linux lets writers at it again once it is mapped */
	return error;
}

static void set_name(struct proc *proc, const char *path)
{
	const char *base = strrchr(path, '/');

	strlcpy(proc->name, base ? base + 1 : path, sizeof(proc->name));
}

/* Past the point of no return: the process becomes the new program. The old
 * one goes as an exit's would (release.c: futexes, close-on-exec, program,
 * address space, vfork parent), then the new one comes in. */
static void commit(struct exec_state *s, struct proc *proc)
{
	proc_release_resources(proc, PROC_RELEASE_EXEC, s->mm);
	s->mm = NULL;
	proc->exe = s->file;		/* with its denial of writes */
	s->file = NULL;
	s->inode = NULL;
	signal_reset_for_exec(proc);
	proc->did_exec = true;
	set_name(proc, s->path);
	proc->task.fs_base = 0;
	fpu_init_state(proc->task.fpu_state);
	if (proc == current_proc()) {
		context_set_fs_base(0);
		fpu_restore(proc->task.fpu_state);
	}
	context_init_user_frame(proc->frame, s->start, s->sp);
}

static int exec_into(struct proc *proc, struct exec_state *s)
{
	int error = resolve_program(s);

	if (!error)
		error = build_image(s, proc);
	if (!error && proc == current_proc())
		error = unshare_for_exec(proc);
	if (!error) {
		commit(s, proc);
	} else if (s->fatal && proc == current_proc()) {
		/* calf built the new image on the side, so the old one is still whole,
		 * but a program may only see what Linux shows: death by SIGSEGV. */
		proc->sighand->actions[SIGSEGV - 1].handler = SIG_DFL;
		signal_force(proc, SIGSEGV);
	}
	release_state(s);
	exec_args_free(&s->args);
	return error;
}

/* Set up `proc` (not yet running) to run path; for init. */
int exec_first_program(struct proc *proc, const char *path, const char *const argv[],
		       const char *const envp[])
{
	struct exec_state *s = kzalloc(sizeof(*s));
	int error = s ? 0 : -ENOMEM;

	if (!error && strlen(path) >= sizeof(s->path))
		error = -ENAMETOOLONG;
	if (!error) {
		strlcpy(s->path, path, sizeof(s->path));
		error = exec_args_from_kernel(&s->args, argv, envp);
	}
	if (!error)
		error = exec_into(proc, s);
	else if (s)
		exec_args_free(&s->args);
	kfree(s);
	return error;
}

/*
 * An empty argv (NULL, or NULL first) gets "" as argv[0], as on Linux since 5.18:
 * a program that starts at argv[1] would otherwise walk into envp. Linux logs
 * the first time it happens, and so does calf.
 */
static int fill_empty_argv(struct exec_state *s)
{
	static const char *const empty[] = { "" };
	static bool logged;

	if (s->args.argc > 0)
		return 0;
	if (!logged)
		printk("exec: process '%s' launched '%s' with NULL argv: empty string added\n",
		       current_proc()->name, s->path);
	logged = true;
	return exec_args_replace_first(&s->args, empty, 1);
}

SYSCALL_DEFINE3(execve, const char *, path, const char *const *, argv,
		const char *const *, envp)
{
	struct exec_state *s = kzalloc(sizeof(*s));
	long length;
	int error;

	if (!s)
		return -ENOMEM;
	length = strncpy_from_user(s->path, path, sizeof(s->path));
	error = length < 0 ? (int)length : length == 0 ? -ENOENT : 0;
	if (!error)
		error = exec_args_from_user(&s->args, argv, envp);
	if (!error)
		error = fill_empty_argv(s);
	if (!error)
		error = exec_into(current_proc(), s);
	else
		exec_args_free(&s->args);
	kfree(s);
	return error;
}
