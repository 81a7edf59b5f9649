/*
 * proc/elf_load.c - mapping an ELF file's segments, for exec.
 *
 * ELF segments are mapped from the file's page cache, as Linux maps them: each
 * PT_LOAD is a private file mapping of the pages holding its file bytes, so text
 * and read-only data are the cache's own frames (never copied, shared by every
 * process running the file or linking the library) and writable data is copied on
 * write; bss past those pages is anonymous memory, and the part of bss that shares
 * the last file page is zeroed there (Linux's padzero), which gives the process its
 * own copy of that one page. A segment whose file offset and address differ modulo
 * the page size cannot be mapped: it is copied in instead.
 */
#include "proc/elf_load.h"
#include "proc/elf_load.h"
#include "proc/internal.h"
#include "fs/fs.h"
#include "mm/kmalloc.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PHDRS_MAX_BYTES		65536	/* Linux's cap on the program header table */

static uint64_t page_down(uint64_t a) { return a & PAGE_MASK; }
static uint64_t page_up(uint64_t a) { return (a + PAGE_SIZE - 1) & PAGE_MASK; }

bool elf_header_ok(const struct elf64_header *h)
{
	return memcmp(h->ident, ELF_MAGIC, 4) == 0 && h->ident[4] == ELFCLASS64 &&
	       h->ident[5] == ELFDATA2LSB && h->ident[6] == EV_CURRENT &&
	       (h->type == ET_EXEC || h->type == ET_DYN) && h->machine == EM_X86_64 &&
	       h->version == EV_CURRENT && h->phentsize == sizeof(struct elf64_program_header) &&
	       h->phnum > 0 && (size_t)h->phnum * h->phentsize <= PHDRS_MAX_BYTES;
}

int elf_read_program_headers(struct inode *inode, struct elf_image *image)
{
	size_t bytes = (size_t)image->header.phnum * sizeof(struct elf64_program_header);

	image->phdrs = kmalloc(bytes);
	if (!image->phdrs)
		return -ENOMEM;
	if (inode_read(inode, image->phdrs, bytes, image->header.phoff) != (long)bytes)
		return -ENOEXEC;
	for (unsigned i = 0; i < image->header.phnum; i++) {
		uint64_t align = image->phdrs[i].align;
		if (image->phdrs[i].type == PT_LOAD && align > image->max_align &&
		    (align & (align - 1)) == 0)
			image->max_align = align;
	}
	return 0;
}

const struct elf64_program_header *elf_interp_header(const struct elf_image *image)
{
	for (unsigned i = 0; i < image->header.phnum; i++)
		if (image->phdrs[i].type == PT_INTERP)
			return &image->phdrs[i];
	return NULL;
}

void elf_image_release(struct elf_image *image)
{
	kfree(image->phdrs);
	image->phdrs = NULL;
}

/* A segment that can never be placed (Linux's checks in load_elf_binary). File
 * bytes missing from the file are not an error: touching them is SIGBUS. */
static int check_segment(const struct elf64_program_header *ph, uint64_t bias)
{
	uint64_t start = bias + ph->vaddr;

	if (ph->filesz > ph->memsz || start >= USER_TOP || ph->memsz > USER_TOP ||
	    USER_TOP - ph->memsz < start)
		return -EINVAL;
	return 0;
}

static unsigned segment_prot(const struct elf64_program_header *ph)
{
	return (ph->flags & PF_R ? PROT_READ : 0) | (ph->flags & PF_W ? PROT_WRITE : 0) |
	       (ph->flags & PF_X ? PROT_EXEC : 0);
}

/*
 * Where the file goes. ET_EXEC is where it says. ET_DYN goes at base (the program
 * of a dynamically linked executable: Linux's ELF_ET_DYN_BASE) or, with base 0,
 * where an mmap of its whole span would (an interpreter, a static-PIE program).
 */
static int choose_bias(struct mm *mm, struct elf_image *image, uint64_t base)
{
	uint64_t low = UINT64_MAX, high = 0, first = UINT64_MAX;

	for (unsigned i = 0; i < image->header.phnum; i++) {
		const struct elf64_program_header *ph = &image->phdrs[i];
		if (ph->type != PT_LOAD)
			continue;
		if (first == UINT64_MAX)
			first = ph->vaddr;
		if (ph->vaddr < low)
			low = ph->vaddr;
		if (ph->vaddr + ph->memsz > high)
			high = ph->vaddr + ph->memsz;
	}
	low = page_down(low);
	if (image->header.type == ET_EXEC) {
		image->bias = 0;
		return low >= MM_MIN_ADDRESS ? 0 : -EINVAL;
	}
	if (first == UINT64_MAX || high < low)
		return -EINVAL;
	if (base) {
		image->bias = page_down(base - first);
		return 0;
	}
	base = mm_find_free(mm, 0, page_up(high) - low);
	if (!base)
		return -ENOMEM;
	image->bias = base - low;
	return 0;
}

/* Copy file bytes (for segments that cannot be mapped). */
static int load_file_bytes(struct mm *mm, struct inode *inode, uint64_t address,
			   uint64_t offset, uint64_t length, uint8_t *bounce)
{
	while (length > 0) {
		size_t chunk = length < PAGE_SIZE ? length : PAGE_SIZE;
		long got = inode_read(inode, bounce, chunk, offset);
		if (got < 0)
			return got;
		memset(bounce + got, 0, chunk - got);
		int error = mm_copy_in(mm, address, bounce, chunk);
		if (error)
			return error;
		address += chunk;
		offset += chunk;
		length -= chunk;
	}
	return 0;
}

static void note_layout(struct elf_image *image, const struct elf64_program_header *ph)
{
	uint64_t start = image->bias + ph->vaddr;

	if (ph->flags & PF_X) {
		if (!image->start_code || start < image->start_code)
			image->start_code = start;
		if (start + ph->filesz > image->end_code)
			image->end_code = start + ph->filesz;
	}
	if (!image->start_data || start < image->start_data)
		image->start_data = start;
	if (start + ph->filesz > image->end_data)
		image->end_data = start + ph->filesz;
	if (start + ph->memsz > image->end_of_bss)
		image->end_of_bss = start + ph->memsz;
	if (ph->offset <= image->header.phoff &&
	    image->header.phoff - ph->offset < ph->filesz)
		image->phdr_address = start + (image->header.phoff - ph->offset);
}

/* A segment Linux could not mmap either: anonymous memory with the bytes copied in. */
static int copy_segment(struct mm *mm, struct inode *inode, const struct elf64_program_header *ph,
			uint64_t start, uint8_t *bounce)
{
	uint64_t map_start = page_down(start);
	uint64_t lead = start - map_start, length = page_up(start + ph->memsz) - map_start;
	int error = mm_exceeds_memory(length) ? -ENOMEM :
		    mm_map(mm, map_start, length, segment_prot(ph), 0);

	if (!error && ph->filesz)
		error = load_file_bytes(mm, inode, map_start, ph->offset - lead,
					lead + ph->filesz, bounce);
	return error;
}

static int load_segment(struct mm *mm, struct file *file, struct elf_image *image,
			const struct elf64_program_header *ph, uint8_t *bounce)
{
	struct mm_backing *backing = file_backing(file);
	uint64_t start = image->bias + ph->vaddr;
	uint64_t map_start = page_down(start);
	uint64_t lead = start - map_start;
	uint64_t file_end = page_up(start + ph->filesz);	/* end of the file pages */
	uint64_t mem_end = page_up(start + ph->memsz);

	int error = check_segment(ph, image->bias);

	if (error || ph->memsz == 0)
		return error;
	if (!backing || ph->filesz == 0 || (ph->offset & ~PAGE_MASK) != lead) {
		error = copy_segment(mm, file_inode(file), ph, start, bounce);
	} else {
		error = mm_map_file(mm, map_start, file_end - map_start, segment_prot(ph), 0,
				    backing, (ph->offset - lead) >> PAGE_SHIFT);
		/* bss is brk memory to Linux: charged whatever its protection. */
		if (!error && mem_end > file_end)
			error = mm_exceeds_memory(mem_end - file_end) ? -ENOMEM :
				mm_map(mm, file_end, mem_end - file_end, segment_prot(ph), 0);
	}
	/* The rest of the last file page is bss: zero it (Linux's padzero). */
	if (!error && ph->memsz > ph->filesz && ((start + ph->filesz) & ~PAGE_MASK))
		error = mm_zero_in(mm, start + ph->filesz, file_end - (start + ph->filesz));
	note_layout(image, ph);
	return error;
}

int elf_load(struct mm *mm, struct file *file, struct elf_image *image, uint64_t base)
{
	uint8_t *bounce = kmalloc(PAGE_SIZE);
	int error = bounce ? choose_bias(mm, image, base) : -ENOMEM;

	for (unsigned i = 0; !error && i < image->header.phnum; i++)
		if (image->phdrs[i].type == PT_LOAD)
			error = load_segment(mm, file, image, &image->phdrs[i], bounce);
	kfree(bounce);
	/* An entry point outside the file is not checked: as on Linux, the new
	 * process faults there and dies by SIGSEGV. */
	image->entry = image->bias + image->header.entry;
	return error;
}
