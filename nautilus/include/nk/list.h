/*
 * Intrusive circular doubly linked lists (run queues, wait queues, caches).
 */
#ifndef NK_LIST_H
#define NK_LIST_H

#include <stddef.h>

struct nk_list {
    struct nk_list *next, *prev;
};

#define NK_LIST_INIT(l) { &(l), &(l) }
#define nk_container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

static inline void nk_list_init(struct nk_list *l) { l->next = l->prev = l; }
static inline int nk_list_empty(const struct nk_list *l) { return l->next == l; }

/* Insert e first (after head). */
static inline void nk_list_add(struct nk_list *head, struct nk_list *e)
{
    e->next = head->next;
    e->prev = head;
    head->next->prev = e;
    head->next = e;
}

static inline void nk_list_add_tail(struct nk_list *head, struct nk_list *e)
{
    e->prev = head->prev;
    e->next = head;
    head->prev->next = e;
    head->prev = e;
}

static inline void nk_list_del(struct nk_list *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}

/* Remove and return the first element, or NULL. */
static inline struct nk_list *nk_list_pop(struct nk_list *head)
{
    struct nk_list *e = head->next;
    if (e == head)
        return NULL;
    nk_list_del(e);
    return e;
}

#endif /* NK_LIST_H */
