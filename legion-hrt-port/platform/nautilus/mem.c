/*
 * Nautilus port, memory and symbols: kmem for runtime metadata (allocations are also the
 * cooperative kernel's yield points, see maybe_yield), zeroed buddy blocks for
 * instance pages (instances in the merged region come through caller-provided arenas,
 * lhrt_memory_create_from_arena), and native task variants by name, as dlsym would find
 * them: in the loaded module of that library name (module.c), else those registered with
 * LHRT_NK_SYMBOL (optionally tagged with a library name), then every global function of the
 * image (a table the HRT build generates after a first link). There are no files in the HRT:
 * code reaches it as a module the ROS hands over, or by being linked into the image.
 */
#include <nk/mem.h>
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/string.h>
#include <nk/printk.h>
#include "../plat.h"
#include "nk_port.h"

/* The kernel schedules cooperatively: a thread that launches work in a loop would never let
 * the workers of its own CPU run (and, on one CPU, pile up every task it launches). The
 * runtime allocates on every launch, so allocations double as yield points: after a time
 * slice, a thread gives way to the ready threads of its CPU. */
#define SLICE_NS 1000000

static uint64_t slice_start[NK_MAX_CPUS];

static void maybe_yield(void) {
  static uint64_t slice;
  struct nk_cpu *c = this_cpu();
  if (!c->nready) return;
  if (!slice) slice = nk_ns_to_cycles(SLICE_NS);
  uint64_t now = arch_cycles();
  if (now - slice_start[c->id] < slice) return;
  slice_start[c->id] = now;
  nk_yield();
}

void *plat_alloc(size_t n) {
  maybe_yield();
  return kmem_alloc(n ? n : 1);
}

void *plat_zalloc(size_t n) {
  maybe_yield();
  return kmem_zalloc(n ? n : 1);
}
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
extern const struct lhrt_nk_symbol lhrt_nk_image_symbols[], lhrt_nk_image_data[];
extern const unsigned long lhrt_nk_image_symbols_count, lhrt_nk_image_data_count;

static int same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* The generated tables are sorted by name: binary search. */
static void *table_lookup(const struct lhrt_nk_symbol *t, unsigned long n, const char *symbol) {
  unsigned long lo = 0, hi = n;
  while (lo < hi) {
    unsigned long mid = lo + (hi - lo) / 2;
    int c = strcmp(t[mid].name, symbol);
    if (!c) return t[mid].addr;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

void *nkp_image_symbol(const char *symbol) {
  return table_lookup(lhrt_nk_image_symbols, lhrt_nk_image_symbols_count, symbol);
}

void *nkp_image_variable(const char *symbol) {
  return table_lookup(lhrt_nk_image_data, lhrt_nk_image_data_count, symbol);
}

void *plat_symbol_lookup(const char *library, const char *symbol, char *err, size_t errlen) {
  int module;
  void *m = nkp_module_symbol(library, symbol, &module);
  if (module) {   /* a loaded module answers for itself, as dlsym on its handle would */
    if (!m) nk_snprintf(err, errlen, "symbol %s not found in module %s (is it exported, not static?)", symbol, library);
    return m;
  }
  for (const struct lhrt_nk_symbol *s = __start_lhrt_symbols; s < __stop_lhrt_symbols; s++)
    if (!strcmp(s->name, symbol) && (!library || !s->library || same(s->library, library)))
      return s->addr;
  void *p = nkp_image_symbol(symbol);
  if (p) return p;
  nk_snprintf(err, errlen, "symbol %s not found in the HRT image%s%s (native variants reach the HRT by "
              "being linked into it, or as modules: lhrt_hrt_module_load)", symbol, library ? ", which stands for " : "",
              library ? library : "");
  return NULL;
}
