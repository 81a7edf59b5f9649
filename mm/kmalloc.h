/*
 * mm/kmalloc.h - the kernel heap.
 *
 * Requests up to KMALLOC_MAX_SLAB bytes come from size classes (powers of two from 16),
 * each class a list of single-frame slabs carved into equal objects. Bigger requests
 * get a contiguous run of frames of their own. Every object is aligned to its class
 * size (so up to 16 bytes for small ones, a page for runs).
 *
 * kmalloc returns NULL when memory is exhausted (never panics) and for size 0.
 * kfree(NULL) does nothing. kfree of a pointer kmalloc did not return is a kernel bug
 * and panics when detected.
 *
 * Locking: every function takes heap_lock itself (level LOCK_LEVEL_PLAIN, inside an
 * address space's lock, kernel/spinlock.h) and never sleeps, so the heap serves
 * any context, the page-fault fast path and interrupt handlers included.
 */
#ifndef CALF_MM_KMALLOC_H
#define CALF_MM_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MAX_SLAB 2048

void *kmalloc(size_t size);
void *kzalloc(size_t size);	/* kmalloc, then zeroed */
void kfree(void *ptr);

/* Bytes actually usable at ptr (its class size or run length). */
size_t ksize(const void *ptr);

/*
 * Return the empty slabs the heap keeps cached (one per size class) to the frame
 * allocator; returns how many frames it gave back. Leak checks call this first so
 * that the cache does not look like a leak.
 */
size_t kmalloc_shrink(void);

/* Frames currently held by the heap, for tests and /proc/meminfo (Slab:). */
size_t kmalloc_frames(void);

#endif
