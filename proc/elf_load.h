/*
 * proc/elf_load.h - mapping an ELF file's loadable segments into a new address space,
 * for exec: the program itself and, for a dynamically linked one, its interpreter.
 *
 * An elf_image starts with the file's ELF header (read by the caller) and is filled
 * in by elf_read_program_headers and elf_load. elf_load places an ET_EXEC file at its
 * own addresses and an ET_DYN file at `base` (its lowest segment's page there), or
 * where an mmap of its whole span would go when base is 0; errors from elf_load are
 * past Linux's point of no return and kill the new program. elf_image_release frees
 * what the image holds.
 */
#ifndef CALF_PROC_ELF_LOAD_H
#define CALF_PROC_ELF_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "proc/elf.h"

struct mm;
struct file;
struct inode;

struct elf_image {
	struct elf64_header header;
	struct elf64_program_header *phdrs;
	uint64_t bias;			/* added to every p_vaddr */
	uint64_t entry, phdr_address, end_of_bss;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t max_align;		/* the largest power-of-two p_align of PT_LOAD */
};

/* Does the header describe an x86-64 ELF executable or shared object calf can load? */
bool elf_header_ok(const struct elf64_header *header);

/* Read the program headers: 0, -ENOMEM, or -ENOEXEC when they cannot be read whole. */
int elf_read_program_headers(struct inode *inode, struct elf_image *image);

/* The PT_INTERP segment, or NULL for a statically linked file. */
const struct elf64_program_header *elf_interp_header(const struct elf_image *image);

/* Map every PT_LOAD segment of file into mm; see above for base. */
int elf_load(struct mm *mm, struct file *file, struct elf_image *image, uint64_t base);

void elf_image_release(struct elf_image *image);

#endif
