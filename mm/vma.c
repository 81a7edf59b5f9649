/*
 * mm/vma.c - the sorted list of regions of an address space.
 *
 * A linked list is enough for the few dozen regions a static program has; the
 * operations are the ones a tree would offer (find, split, insert, merge), so the
 * representation can change without touching callers.
 */
#include "mm/internal.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/vma.h"

struct vma *vma_first_ending_after(struct mm *mm, uint64_t address)
{
	struct list_node *node;

	list_for_each(node, &mm->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		if (vma->end > address)
			return vma;
	}
	return NULL;
}

struct vma *mm_find_vma_from(struct mm *mm, uint64_t address)
{
	return vma_first_ending_after(mm, address);
}

struct vma *mm_find_vma(struct mm *mm, uint64_t address)
{
	struct vma *vma = vma_first_ending_after(mm, address);

	return vma && vma->start <= address ? vma : NULL;
}

struct vma *vma_next(struct mm *mm, struct vma *vma)
{
	return vma->link.next == &mm->vmas ? NULL :
	       list_entry(vma->link.next, struct vma, link);
}

struct vma *vma_prev(struct mm *mm, struct vma *vma)
{
	return vma->link.prev == &mm->vmas ? NULL :
	       list_entry(vma->link.prev, struct vma, link);
}

struct vma *vma_new(uint64_t start, uint64_t end, unsigned prot, unsigned flags)
{
	struct vma *vma = kmalloc(sizeof(*vma));

	if (!vma)
		return NULL;
	list_init(&vma->link);
	list_init(&vma->object_link);
	vma->start = start;
	vma->end = end;
	vma->prot = prot;
	vma->flags = flags;
	vma->mm = NULL;
	vma->backing = NULL;
	vma->pgoff = 0;
	return vma;
}

void vma_set_backing(struct vma *vma, struct mm_backing *backing, uint64_t pgoff)
{
	backing->ops->get(backing);
	vma->backing = backing;
	vma->pgoff = pgoff;
}

struct vma *vma_clone(const struct vma *vma)
{
	struct vma *copy = vma_new(vma->start, vma->end, vma->prot, vma->flags);

	if (copy && vma->backing)
		vma_set_backing(copy, vma->backing, vma->pgoff);
	return copy;
}

/* Enter vma in mm and, for a file region, in the file's list of mappings. */
static void attach(struct mm *mm, struct vma *vma)
{
	vma->mm = mm;
	if (vma->backing)
		list_push_back(&vma->backing->object->vmas, &vma->object_link);
}

void vma_insert(struct mm *mm, struct vma *vma)
{
	struct vma *after = vma_first_ending_after(mm, vma->start);

	if (after)
		list_push_back(&after->link, &vma->link);	/* just before `after` */
	else
		list_push_back(&mm->vmas, &vma->link);
	attach(mm, vma);
}

void vma_destroy(struct vma *vma)
{
	list_remove(&vma->link);
	list_remove(&vma->object_link);
	if (vma->backing)
		vma->backing->ops->put(vma->backing);
	kfree(vma);
}

int vma_split(struct mm *mm, uint64_t address)
{
	struct vma *vma = mm_find_vma(mm, address);

	if (!vma || vma->start == address)
		return 0;
	struct vma *upper = vma_clone(vma);
	if (!upper)
		return -ENOMEM;
	upper->start = address;
	if (upper->backing)
		upper->pgoff = vma_file_index(vma, address);
	vma->end = address;
	list_link_between(&upper->link, &vma->link, vma->link.next);
	attach(mm, upper);
	return 0;
}

/* Touching, same attributes, and for files the same open file at contiguous pages. */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->backing == b->backing && (!a->backing || vma_file_index(a, a->end) == b->pgoff);
}

void vma_merge_around(struct mm *mm, struct vma *vma)
{
	struct vma *next = vma_next(mm, vma);
	struct vma *prev = vma_prev(mm, vma);

	if (next && mergeable(vma, next)) {
		vma->end = next->end;
		vma_destroy(next);
	}
	if (prev && mergeable(prev, vma)) {
		prev->end = vma->end;
		vma_destroy(vma);
	}
}

void vma_merge_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *vma = vma_first_ending_after(mm, start ? start - 1 : 0);

	while (vma && vma->start <= end) {
		struct vma *next = vma_next(mm, vma);
		if (next && mergeable(vma, next)) {
			vma->end = next->end;
			vma_destroy(next);
			continue;	/* vma may merge with the one after, too */
		}
		vma = next;
	}
}
