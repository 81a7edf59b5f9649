/*
 * fs/ramfs.h - what the ramfs files share (fs/ramfs.c: names; fs/pagecache.c: data).
 */
#ifndef CALF_FS_RAMFS_H
#define CALF_FS_RAMFS_H

#include <stdint.h>
#include <stdbool.h>

struct inode;
struct page;

#define RAMFS_MAX_SIZE (1ull << 40)	/* 1 TiB: the radix tree stays 4 levels high */

struct page *ramfs_get_page(struct inode *inode, uint64_t index, bool allocate);
void ramfs_free_pages(struct inode *inode, uint64_t first);
int ramfs_set_size(struct inode *inode, uint64_t size);

#endif
