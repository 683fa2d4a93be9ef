/*
 * Nautilus port, memory and symbols: kmem for runtime metadata, zeroed buddy blocks for
 * instance pages (instances in the merged region come through caller-provided arenas,
 * lhrt_memory_create_from_arena), and native task variants from the table of symbols
 * linked into the image (LHRT_NK_SYMBOL), which stands in for dlopen/dlsym.
 */
#include <nk/mem.h>
#include <nk/string.h>
#include <nk/printk.h>
#include "../plat.h"
#include "nk_port.h"

void *plat_alloc(size_t n) { return kmem_alloc(n ? n : 1); }
void *plat_zalloc(size_t n) { return kmem_zalloc(n ? n : 1); }
void plat_free(void *p) { if (p) kmem_free(p); }

void *plat_realloc(void *p, size_t n) {
  if (!p) return plat_alloc(n);
  size_t have = kmem_size(p);
  if (n <= have && n > have / 2) return p;
  void *q = plat_alloc(n);
  if (!q) return NULL;
  memcpy(q, p, n < have ? n : have);
  kmem_free(p);
  return q;
}

/* Buddy blocks are powers of two: n is rounded up, and the block is zeroed by hand
 * (the buddy allocator hands back whatever the pages held). */
void *plat_pages_alloc(size_t n) {
  int order = mem_order_for(n ? n : 1);
  if (order < 0) return NULL;
  void *p = mem_alloc_pages(order, -1);
  if (p) memset(p, 0, NK_PAGE_SIZE << order);
  return p;
}

void plat_pages_free(void *p, size_t n) {
  (void)n;
  if (p) mem_free_pages(p);
}

extern const struct lhrt_nk_symbol __start_lhrt_symbols[], __stop_lhrt_symbols[];

static int same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

void *plat_symbol_lookup(const char *library, const char *symbol, char *err, size_t errlen) {
  for (const struct lhrt_nk_symbol *s = __start_lhrt_symbols; s < __stop_lhrt_symbols; s++)
    if (!strcmp(s->name, symbol) && (!library || !s->library || same(s->library, library)))
      return s->addr;
  nk_snprintf(err, errlen, "symbol %s not found in %s (the HRT image links native variants in: "
              "register them with LHRT_NK_SYMBOL)", symbol, library ? library : "the HRT image");
  return NULL;
}
