/*
 * lib/list.h - intrusive circular doubly linked lists.
 *
 * A list is a `struct list_node` head whose next/prev point back at itself when
 * empty. Elements embed a node and are recovered with container_of. No memory is
 * ever allocated here, so these lists are safe in the frame allocator itself.
 */
#ifndef CALF_LIB_LIST_H
#define CALF_LIB_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_node {
	struct list_node *next, *prev;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void list_link_between(struct list_node *node,
				     struct list_node *prev, struct list_node *next)
{
	node->next = next;
	node->prev = prev;
	prev->next = node;
	next->prev = node;
}

/* Insert node right after head (stack order). */
static inline void list_push_front(struct list_node *head, struct list_node *node)
{
	list_link_between(node, head, head->next);
}

/* Insert node right before head (queue order). */
static inline void list_push_back(struct list_node *head, struct list_node *node)
{
	list_link_between(node, head->prev, head);
}

static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node;
	node->prev = node;
}

/* Remove and return the first node, or NULL when the list is empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
	struct list_node *first = head->next;

	if (first == head)
		return NULL;
	list_remove(first);
	return first;
}

#define list_entry(node, type, member) container_of(node, type, member)

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* Safe against removal of pos inside the loop body. */
#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif
