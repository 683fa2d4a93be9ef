/*
 * kmem: small objects from power-of-two size classes (32 B .. 2 KiB) carved from buddy
 * pages, larger ones straight from the buddy allocator. A 16-byte header before each object
 * records its class (or buddy order) so kmem_free needs no size.
 */
#include <nk/mem.h>
#include <nk/printk.h>
#include <nk/string.h>

#define KMEM_MAGIC    0x6b6d656du
#define KMEM_CLASSES  7             /* 32 << 0 .. 32 << 6 = 2048 */
#define KMEM_BIG      0xff

struct kmem_hdr {
    uint32_t magic;
    uint32_t cls;                   /* size class, or KMEM_BIG */
    uint64_t order;                 /* KMEM_BIG: buddy order */
};

struct kmem_free { struct kmem_free *next; };

static struct {
    nk_spinlock_t lock;
    struct kmem_free *head;
} classes[KMEM_CLASSES];

static int class_for(size_t total)
{
    for (int c = 0; c < KMEM_CLASSES; c++)
        if (total <= (32u << c))
            return c;
    return -1;
}

/* Caller holds the class lock: cut one page into objects of the class. */
static int refill(int c)
{
    char *page = mem_alloc_pages(0, -1);
    if (!page)
        return -1;
    size_t sz = 32u << c;
    for (size_t off = 0; off + sz <= NK_PAGE_SIZE; off += sz) {
        struct kmem_free *f = (struct kmem_free *)(page + off);
        f->next = classes[c].head;
        classes[c].head = f;
    }
    return 0;
}

void *kmem_alloc(size_t size)
{
    /* size + header wrapped past SIZE_MAX into a small class: (size_t)-1 got 16 bytes. */
    if (size > SIZE_MAX - sizeof(struct kmem_hdr))
        return NULL;
    size_t total = size + sizeof(struct kmem_hdr);
    int c = class_for(total);
    struct kmem_hdr *h;
    if (c < 0) {
        int order = mem_order_for(total);
        h = mem_alloc_pages(order, -1);
        if (!h)
            return NULL;
        h->cls = KMEM_BIG;
        h->order = order;
    } else {
        unsigned long f = nk_spin_lock_irq(&classes[c].lock);
        if (!classes[c].head && refill(c) < 0) {
            nk_spin_unlock_irq(&classes[c].lock, f);
            return NULL;
        }
        h = (struct kmem_hdr *)classes[c].head;
        classes[c].head = classes[c].head->next;
        nk_spin_unlock_irq(&classes[c].lock, f);
        h->cls = c;
        h->order = 0;
    }
    h->magic = KMEM_MAGIC;
    return h + 1;
}

void *kmem_zalloc(size_t size)
{
    void *p = kmem_alloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

size_t kmem_size(void *p)
{
    struct kmem_hdr *h = (struct kmem_hdr *)p - 1;
    size_t total = h->cls == KMEM_BIG ? NK_PAGE_SIZE << h->order : 32u << h->cls;
    return total - sizeof *h;
}

void kmem_free(void *p)
{
    if (!p)
        return;
    struct kmem_hdr *h = (struct kmem_hdr *)p - 1;
    if (h->magic != KMEM_MAGIC)
        panic("kmem_free: %p was not allocated by kmem (or was freed twice)", p);
    h->magic = 0;
    if (h->cls == KMEM_BIG) {
        mem_free_pages(h);
        return;
    }
    int c = h->cls;
    struct kmem_free *f = (struct kmem_free *)h;
    unsigned long fl = nk_spin_lock_irq(&classes[c].lock);
    f->next = classes[c].head;
    classes[c].head = f;
    nk_spin_unlock_irq(&classes[c].lock, fl);
}
