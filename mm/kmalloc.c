/*
 * mm/kmalloc.c - the kernel heap.
 *
 * Small requests (up to KMALLOC_MAX_SLAB bytes) are rounded up to a size class,
 * 16, 32, ..., 2048 bytes. A class is served from slabs: single PAGE_HEAP frames
 * cut into equal objects. The slab's struct page records its class, how many of its
 * objects are handed out, and the first free object; the free objects form a list
 * through their own first 8 bytes, so a slab needs no memory besides itself.
 *
 * Each class keeps a list of its slabs that have a free object ("partial"); full
 * slabs are on no list and come back to it when an object is freed. When a slab's
 * last object is freed its frame goes back to the frame allocator - except that
 * each class keeps one empty slab cached, so a caller that allocates and frees one
 * object in a loop does not get and release a frame every time. The cached slab is
 * kept at the tail of the partial list, so allocation prefers half-used slabs and
 * the cached one stays empty for as long as possible. Consequence: once a class has
 * been used, it holds one frame even when nothing is allocated from it.
 *
 * Bigger requests get a run of whole frames of their own (frame_alloc_run). The
 * first frame's struct page says so with size_class == RUN and records the length
 * in run.frames; the other frames of the run have size_class == RUN and run.frames
 * == 0, so a pointer into the middle of a run is recognised. (run.frames overlays
 * slab.freelist in the union, not slab.size_class, so both can be set.)
 *
 * heap_lock guards the class lists, the slab fields of every PAGE_HEAP struct
 * page, the free objects' links and heap_frames. The frame allocator is always
 * called with heap_lock dropped, so heap_lock and frame_lock never nest.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

#define MIN_SHIFT 4			/* smallest class: 16 bytes */
#define NCLASSES 8			/* 16 .. 2048 */
#define RUN 0xffff			/* size_class of the frames of a run */
#define MAX_RUN_BYTES ((1ul << FRAME_MAX_ORDER) * PAGE_SIZE)
#define LINK_BYTES sizeof(void *)	/* a free object's link to the next */

_Static_assert((16u << (NCLASSES - 1)) == KMALLOC_MAX_SLAB, "classes end at the slab limit");
_Static_assert(KMALLOC_MAX_SLAB <= PAGE_SIZE, "a slab holds at least one object");

struct size_class {
	struct list_node partial;	/* slabs with a free object; the cached empty one last */
	struct page *empty;		/* the cached empty slab, or NULL */
};

static struct spinlock heap_lock = SPINLOCK_INIT("heap_lock");
static struct size_class classes[NCLASSES] = {
	[0] = { LIST_HEAD_INIT(classes[0].partial), NULL },
	[1] = { LIST_HEAD_INIT(classes[1].partial), NULL },
	[2] = { LIST_HEAD_INIT(classes[2].partial), NULL },
	[3] = { LIST_HEAD_INIT(classes[3].partial), NULL },
	[4] = { LIST_HEAD_INIT(classes[4].partial), NULL },
	[5] = { LIST_HEAD_INIT(classes[5].partial), NULL },
	[6] = { LIST_HEAD_INIT(classes[6].partial), NULL },
	[7] = { LIST_HEAD_INIT(classes[7].partial), NULL },
};
_Static_assert(NCLASSES == 8, "one initialiser per class above");
static size_t heap_frames;

static size_t class_size(unsigned class)
{
	return (size_t)1 << (class + MIN_SHIFT);
}

/* The smallest class that holds size bytes (1 <= size <= KMALLOC_MAX_SLAB). */
static unsigned class_for(size_t size)
{
	unsigned class = 0;

	while (class_size(class) < size)
		class++;
	return class;
}

/*
 * A free object's link. Free objects are poisoned whole in the host tests, the link
 * too, so that even an overrun into a free neighbour's first bytes is reported;
 * only these two functions lift that, for the moment they touch the link.
 */
static void *next_free(void *object)
{
	void *next;

	MM_UNPOISON(object, LINK_BYTES);
	next = *(void **)object;
	MM_POISON(object, LINK_BYTES);
	return next;
}

static void set_next_free(void *object, void *next)
{
	MM_UNPOISON(object, LINK_BYTES);
	*(void **)object = next;
	MM_POISON(object, LINK_BYTES);
}

/* ------------------------------------------------------------ slabs */

/*
 * mm_poison (mm/frame.h): a free object holds its link and then the poison. A slab
 * made while it is on says so in its page's flags, and only such slabs are
 * checked: the link must lead into the same slab, on an object's boundary, and
 * the rest must be poison still.
 */
#define SLAB_POISONED	(1u << 0)

static void poison_object(struct page *slab, void *object, size_t size)
{
	if (slab->flags & SLAB_POISONED)
		memset((char *)object + LINK_BYTES, MM_FREE_POISON, size - LINK_BYTES);
}

static void check_free_object(struct page *slab, void *object, void *next, size_t size)
{
	const uint8_t *bytes = object;
	uint64_t base = (uint64_t)page_address(slab);
	uint64_t at = (uint64_t)next - base;

	if (next && (at >= PAGE_SIZE || at % size))
		panic("mm_poison: the free %zu-byte object %p was written after kfree: "
		      "its link is %p", size, object, next);
	size_t i = mm_poison_broken_at(bytes, LINK_BYTES, size);
	if (i < size)
		panic("mm_poison: the free %zu-byte object %p was written after kfree: "
		      "byte %zu is %#x", size, object, i, bytes[i]);
}

/*
 * A new slab for `class`: a fresh frame cut into objects, all on its free list,
 * not yet on any class list. NULL when no frame is free. Called without heap_lock
 * (nobody else can see the slab yet).
 */
static struct page *slab_create(unsigned class)
{
	size_t size = class_size(class);
	struct page *slab = frame_alloc(PAGE_HEAP, 0);
	char *base;

	if (!slab)
		return NULL;
	base = page_address(slab);
	if (mm_poison)
		slab->flags |= SLAB_POISONED;
	for (size_t off = 0; off < PAGE_SIZE; off += size) {
		poison_object(slab, base + off, size);
		MM_POISON(base + off, size);
		set_next_free(base + off, off + size < PAGE_SIZE ? base + off + size : NULL);
	}
	slab->slab.freelist = base;
	slab->slab.in_use = 0;
	slab->slab.size_class = class;
	return slab;
}

/*
 * Take an object from a slab of `class` that has one, keeping the lists right: a
 * slab that becomes full leaves the partial list, and the cached empty slab stops
 * being the cached one. Caller holds heap_lock.
 */
static void *slab_take(struct size_class *c, struct page *slab, size_t size)
{
	void *object = slab->slab.freelist;
	void *next = next_free(object);

	if (slab->flags & SLAB_POISONED) {
		MM_UNPOISON(object, size);
		check_free_object(slab, object, next, size);
	}
	slab->slab.freelist = next;
	slab->slab.in_use++;
	if (slab == c->empty)
		c->empty = NULL;
	if (!slab->slab.freelist)
		list_remove(&slab->link);
	MM_UNPOISON(object, size);
	return object;
}

/*
 * Return object to its slab. Returns the slab if its frame should now go back to the
 * frame allocator (it is off every list and no longer counted in heap_frames),
 * else NULL. Caller holds heap_lock and has checked object belongs to slab.
 */
static struct page *slab_give(struct page *slab, void *object)
{
	struct size_class *c = &classes[slab->slab.size_class];
	size_t size = class_size(slab->slab.size_class);
	bool was_full = slab->slab.freelist == NULL;

	poison_object(slab, object, size);
	MM_POISON(object, size);
	set_next_free(object, slab->slab.freelist);
	slab->slab.freelist = object;
	slab->slab.in_use--;

	if (slab->slab.in_use > 0) {
		if (was_full)
			list_push_front(&c->partial, &slab->link);
		return NULL;
	}
	/* Now empty; it is on the partial list unless it went from full to empty at
	 * once, which only a slab of one object could. */
	if (!was_full)
		list_remove(&slab->link);
	if (c->empty) {
		heap_frames--;
		return slab;
	}
	c->empty = slab;
	list_push_back(&c->partial, &slab->link);
	return NULL;
}

/* ------------------------------------------------------------ lookup */

/*
 * The struct page of a pointer handed to kfree or ksize, after the checks that
 * catch a pointer kmalloc did not return: the frame must be PAGE_HEAP, a slab
 * pointer must sit on an object boundary of its class, a run pointer at the start
 * of its first frame. `who` names the caller in the panic. Caller holds heap_lock.
 */
static struct page *heap_page(const void *ptr, const char *who)
{
	struct page *page = virt_to_page(ptr);
	uintptr_t offset = (uintptr_t)ptr & (PAGE_SIZE - 1);

	if (!page || page->kind != PAGE_HEAP)
		panic("%s: %p is not a heap pointer", who, ptr);
	if (page->slab.size_class == RUN) {
		if (page->run.frames == 0 || offset != 0)
			panic("%s: %p points inside a heap run", who, ptr);
		return page;
	}
	if (page->slab.size_class >= NCLASSES)
		panic("%s: %p: heap frame with bad size class %u", who, ptr,
		      page->slab.size_class);
	if (offset % class_size(page->slab.size_class) != 0)
		panic("%s: %p is not on a %zu-byte object boundary", who, ptr,
		      class_size(page->slab.size_class));
	return page;
}

/* ------------------------------------------------------------ runs */

/*
 * A run of whole frames for a big request, its struct pages marked as described at
 * the top of this file. NULL when no run is free or size is beyond the largest run.
 * Takes heap_lock only to count the frames.
 */
static void *run_alloc(size_t size, bool zero)
{
	size_t frames;
	struct page *first;

	if (size > MAX_RUN_BYTES)
		return NULL;
	frames = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	first = frame_alloc_run(frames, PAGE_HEAP, zero ? FRAME_ZERO : 0);
	if (!first)
		return NULL;
	for (size_t i = 0; i < frames; i++) {
		first[i].slab.size_class = RUN;
		first[i].run.frames = i == 0 ? frames : 0;
	}
	spin_lock(&heap_lock);
	heap_frames += frames;
	spin_unlock(&heap_lock);
	return page_address(first);
}

/* ------------------------------------------------------------ the interface */

/*
 * An object of at least size bytes from its class: from a partial slab if there is
 * one, else from a new slab (made with heap_lock dropped). NULL if no frame is free.
 */
static void *slab_alloc(size_t size, bool zero)
{
	unsigned class = class_for(size);
	struct size_class *c = &classes[class];
	struct page *slab;
	void *object;

	size = class_size(class);
	spin_lock(&heap_lock);
	if (list_empty(&c->partial)) {
		spin_unlock(&heap_lock);
		slab = slab_create(class);
		if (!slab)
			return NULL;
		spin_lock(&heap_lock);
		heap_frames++;
		list_push_front(&c->partial, &slab->link);
	} else {
		slab = list_entry(c->partial.next, struct page, link);
	}
	object = slab_take(c, slab, size);
	spin_unlock(&heap_lock);

	if (zero)
		memset(object, 0, size);
	return object;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size <= KMALLOC_MAX_SLAB)
		return slab_alloc(size, false);
	return run_alloc(size, false);
}

/* kmalloc, with every usable byte (ksize of the result) zeroed. */
void *kzalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size <= KMALLOC_MAX_SLAB)
		return slab_alloc(size, true);
	return run_alloc(size, true);
}

/*
 * Free what kmalloc returned; panics on a pointer it can tell kmalloc did not
 * return, or on an object freed twice in a row. Takes heap_lock; frames go back to
 * the frame allocator after it is dropped.
 */
void kfree(void *ptr)
{
	struct page *page;
	struct page *release = NULL;
	size_t frames = 1;

	if (!ptr)
		return;
	spin_lock(&heap_lock);
	page = heap_page(ptr, "kfree");
	if (page->slab.size_class == RUN) {
		frames = page->run.frames;
		page->run.frames = 0;	/* until the frames are freed, a second kfree panics */
		heap_frames -= frames;
		release = page;
	} else {
		/* An empty slab, or ptr already at the head of the free list: freed twice. */
		if (page->slab.in_use == 0 || page->slab.freelist == ptr)
			panic("kfree: %p freed twice", ptr);
		release = slab_give(page, ptr);
	}
	spin_unlock(&heap_lock);

	if (release)
		frame_free_run(release, frames);
}

/* Usable bytes at ptr, 0 for NULL; panics like kfree on a foreign pointer. */
size_t ksize(const void *ptr)
{
	struct page *page;
	size_t size;

	if (!ptr)
		return 0;
	spin_lock(&heap_lock);
	page = heap_page(ptr, "ksize");
	if (page->slab.size_class == RUN)
		size = page->run.frames * PAGE_SIZE;
	else
		size = class_size(page->slab.size_class);
	spin_unlock(&heap_lock);
	return size;
}

size_t kmalloc_frames(void)
{
	size_t n;

	spin_lock(&heap_lock);
	n = heap_frames;
	spin_unlock(&heap_lock);
	return n;
}

/*
 * Give every class's cached empty slab back to the frame allocator. Takes
 * heap_lock, and calls the frame allocator with it dropped.
 */
size_t kmalloc_shrink(void)
{
	struct page *release[NCLASSES];
	size_t count = 0;

	spin_lock(&heap_lock);
	for (unsigned i = 0; i < NCLASSES; i++) {
		struct page *slab = classes[i].empty;
		if (!slab)
			continue;
		list_remove(&slab->link);
		classes[i].empty = NULL;
		heap_frames--;
		release[count++] = slab;
	}
	spin_unlock(&heap_lock);

	for (size_t i = 0; i < count; i++)
		frame_free_run(release[i], 1);
	return count;
}
