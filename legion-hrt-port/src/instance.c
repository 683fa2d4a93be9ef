/*
 * Memories and physical instances. The system memory takes pages from the platform; an arena
 * memory carves instances out of caller-provided memory (the HVM's merged region later) with a
 * first-fit list of free extents kept outside the arena. A root region has one instance per
 * field (SoA) or one for a set of fields (AoS); subregions are views into it.
 */
#include "internal.h"

#define ARENA_ALIGN 64u

struct memory *mem_system(struct lhrt_runtime *rt) { return rt->sysmem; }

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The largest power of two that divides a field's size, at most 16 (its natural alignment). */
static uint32_t field_align(uint32_t size) {
  uint32_t a = size & -size;
  return !a || a > 16 ? 16 : a;
}

static bool fr_insert(struct memory *m, uint64_t at, uint64_t off, uint64_t len) {
  if (m->nfree == m->capfree) {
    uint64_t nc = m->capfree ? m->capfree * 2 : 16;
    uint64_t *n = plat_realloc(m->fr, nc * 2 * sizeof *n);
    if (!n) return false;
    m->fr = n;
    m->capfree = nc;
  }
  for (uint64_t i = m->nfree; i > at; i--) { m->fr[2 * i] = m->fr[2 * i - 2]; m->fr[2 * i + 1] = m->fr[2 * i - 1]; }
  m->fr[2 * at] = off;
  m->fr[2 * at + 1] = len;
  m->nfree++;
  return true;
}

static void fr_remove(struct memory *m, uint64_t at) {
  for (uint64_t i = at; i + 1 < m->nfree; i++) { m->fr[2 * i] = m->fr[2 * i + 2]; m->fr[2 * i + 1] = m->fr[2 * i + 3]; }
  m->nfree--;
}

static void *arena_alloc(struct memory *m, uint64_t bytes) {
  bytes = align_up(bytes ? bytes : 1, ARENA_ALIGN);
  for (uint64_t i = 0; i < m->nfree; i++) {
    uint64_t off = m->fr[2 * i], len = m->fr[2 * i + 1];
    if (len < bytes) continue;
    if (len == bytes) fr_remove(m, i);
    else { m->fr[2 * i] = off + bytes; m->fr[2 * i + 1] = len - bytes; }
    m->used += bytes;
    return m->base + off;
  }
  return NULL;
}

static void arena_free(struct memory *m, void *p, uint64_t bytes) {
  bytes = align_up(bytes ? bytes : 1, ARENA_ALIGN);
  uint64_t off = (uint64_t)((char *)p - m->base), i = 0;
  while (i < m->nfree && m->fr[2 * i] < off) i++;
  m->used -= bytes;
  bool merged = false;
  if (i > 0 && m->fr[2 * (i - 1)] + m->fr[2 * (i - 1) + 1] == off) { /* grow the previous extent */
    m->fr[2 * (i - 1) + 1] += bytes;
    merged = true;
    if (i < m->nfree && off + bytes == m->fr[2 * i]) {
      m->fr[2 * (i - 1) + 1] += m->fr[2 * i + 1];
      fr_remove(m, i);
    }
  } else if (i < m->nfree && off + bytes == m->fr[2 * i]) {
    m->fr[2 * i] = off;
    m->fr[2 * i + 1] += bytes;
    merged = true;
  }
  if (!merged) fr_insert(m, i, off, bytes); /* on OOM the extent is lost, never reused twice */
}

/* Instances start zeroed. In an arena only what was handed out before needs clearing: the
 * rest of a zeroed arena is still zero, and clearing it would touch every page at once (under
 * the HVM, gigabytes of first touches in the caller's call) instead of as tasks first use them. */
void *mem_alloc(struct memory *m, uint64_t bytes) {
  void *p;
  uint64_t dirty = 0;
  spin_lock(&m->lock);
  if (m->arena) {
    p = arena_alloc(m, bytes);
    if (p) {
      uint64_t off = (uint64_t)((char *)p - m->base), end = off + bytes;
      dirty = m->pristine > off ? (m->pristine < end ? m->pristine : end) - off : 0;
      if (end > m->pristine) m->pristine = end;
    }
  } else {
    p = plat_pages_alloc(bytes);
    if (p) m->used += bytes;
  }
  if (p) m->live++;
  spin_unlock(&m->lock);
  if (dirty) u_memset(p, 0, dirty);
  return p;
}

void mem_release(struct memory *m, void *p, uint64_t bytes) {
  if (!p) return;
  spin_lock(&m->lock);
  if (m->arena) arena_free(m, p, bytes);
  else { plat_pages_free(p, bytes); m->used -= bytes; }
  m->live--;
  spin_unlock(&m->lock);
}

static void mem_free(struct memory *m) {
  obj_fini(&m->o);
  plat_free(m->fr);
  plat_free(m);
}

void mem_destroy_all(struct lhrt_runtime *rt) {
  if (rt->sysmem) mem_free(rt->sysmem);
  rt->sysmem = NULL;
}

lhrt_status_t lhrt_memory_get_system(lhrt_runtime_t h, lhrt_memory_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  return h_out(&out->impl, &rt->sysmem->o);
}

static lhrt_status_t arena_create(lhrt_runtime_t h, void *base, uint64_t size, bool zeroed, lhrt_memory_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(base);
  NEED(out);
  uint64_t skip = align_up((uint64_t)(uintptr_t)base, ARENA_ALIGN) - (uint64_t)(uintptr_t)base;
  if (size <= skip + ARENA_ALIGN) return lhrt_err(LHRT_ERR_INVALID_ARG, "arena of %lu bytes is too small", size);
  struct memory *m = plat_zalloc(sizeof *m);
  if (!m) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  m->arena = true;
  m->base = (char *)base + skip;
  m->size = (size - skip) & ~(uint64_t)(ARENA_ALIGN - 1);
  m->pristine = zeroed ? 0 : m->size;
  if (!fr_insert(m, 0, 0, m->size)) { plat_free(m); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
  obj_init(rt, &m->o, K_MEMORY, true);
  lhrt_status_t st = h_out(&out->impl, &m->o);
  if (st) mem_free(m);
  return st;
}

lhrt_status_t lhrt_memory_create_from_arena(lhrt_runtime_t h, void *base, uint64_t size, lhrt_memory_t *out) {
  return arena_create(h, base, size, false, out);
}

lhrt_status_t lhrt_memory_create_from_zeroed_arena(lhrt_runtime_t h, void *base, uint64_t size, lhrt_memory_t *out) {
  return arena_create(h, base, size, true, out);
}

lhrt_status_t lhrt_memory_destroy(lhrt_memory_t h) {
  CHECK(m, struct memory, K_MEMORY, h);
  if (!m->arena) return lhrt_err(LHRT_ERR_STATE, "the system memory belongs to the runtime");
  if (A_LOAD(&m->live)) return lhrt_err(LHRT_ERR_STATE, "%d instances still live in this memory", m->live);
  mem_free(m);
  return LHRT_OK;
}

lhrt_status_t lhrt_memory_get_usage(lhrt_memory_t h, uint64_t *used, uint64_t *capacity) {
  CHECK(m, struct memory, K_MEMORY, h);
  spin_lock(&m->lock);
  if (used) *used = m->used;
  if (capacity) *capacity = m->arena ? m->size : UINT64_MAX;
  spin_unlock(&m->lock);
  return LHRT_OK;
}

/* ------------------------------------------------------------- instances ---- */

/* Creates the instance(s) for the fields in mask with layout lay (root->ri->lock held). */
static lhrt_status_t make_instances(struct region *root, uint64_t mask, lhrt_layout_t lay) {
  struct rootinfo *ri = root->ri;
  lhrt_status_t st;
  struct memory *mem = lay.memory.impl ? obj_check(lay.memory.impl, K_MEMORY, &st) : root->o.rt->sysmem;
  if (!mem) { /* a memory destroyed after lhrt_region_set_layout named it, or the mapper's mistake */
    char why[160];
    u_fmt(why, sizeof why, "%s", lhrt_last_error());
    return lhrt_err(st, "no memory for the instances of region tree %u: %s", root->tree_id, why);
  }
  uint64_t groups[LHRT_MAX_FIELDS];
  int ng = 0;
  if (lay.layout == LHRT_LAYOUT_AOS) groups[ng++] = mask | (A_LOAD(&root->fs->live) & ~ri->inst_mask);
  else for (int f = 0; f < LHRT_MAX_FIELDS; f++) if ((mask >> f) & 1) groups[ng++] = 1ull << f;
  const lhrt_rect_t *b = &root->is->bounds;
  for (int g = 0; g < ng; g++) {
    /* Each field at its natural alignment (of its size, up to 16 bytes) and elements padded to
     * the largest, so that an array-of-structs int64 after an int32 is no misaligned access. */
    uint32_t esize = 0, off[LHRT_MAX_FIELDS], align = 1;
    for (int f = 0; f < LHRT_MAX_FIELDS; f++) {
      if (!((groups[g] >> f) & 1)) continue;
      uint32_t size = fs_size_at(root->fs, f), a = field_align(size);
      off[f] = (uint32_t)align_up(esize, a);
      esize = off[f] + size;
      if (a > align) align = a;
    }
    esize = (uint32_t)align_up(esize, align);
    struct instance *in = plat_zalloc(sizeof *in);
    if (!in) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
    in->bounds = *b;
    int64_t s = esize;
    for (int d = 0; d < LHRT_MAX_DIM; d++) {
      in->stride[d] = d < b->dim ? s : 0;
      if (d < b->dim) s *= (b->hi[d] >= b->lo[d]) ? (b->hi[d] - b->lo[d] + 1) : 0;
    }
    in->bytes = (uint64_t)s;
    in->mem = mem;
    in->mask = groups[g];
    in->base = mem_alloc(mem, in->bytes);
    if (!in->base) {
      plat_free(in);
      if (mem->arena)   /* a caller-sized arena (the hrt backend's merged region): say what to raise */
        return lhrt_err(LHRT_ERR_NO_MEMORY, "cannot place an instance of %lu bytes for region tree %u in a memory "
                        "arena of %lu bytes with %lu in use: create the memory larger (on the hrt backend: "
                        "raise the runtime's memory size)",
                        (uint64_t)s, root->tree_id, mem->size, mem->used);
      return lhrt_err(LHRT_ERR_NO_MEMORY, "cannot allocate an instance of %lu bytes for region tree %u",
                      (uint64_t)s, root->tree_id);
    }
    in->next = ri->insts;
    ri->insts = in;
    for (int f = 0; f < LHRT_MAX_FIELDS; f++) {
      if (!((groups[g] >> f) & 1)) continue;
      ri->field_inst[f] = in;
      ri->field_off[f] = off[f];
    }
    A_OR(&ri->inst_mask, groups[g]);
  }
  return LHRT_OK;
}

lhrt_status_t root_ensure_instances(struct region *root, uint64_t mask) {
  struct rootinfo *ri = root->ri;
  if ((A_LOAD(&ri->inst_mask) & mask) == mask) return LHRT_OK;
  spin_lock(&ri->lock);
  lhrt_layout_t lay = {{ri->mem_hint ? ri->mem_hint : H(&root->o.rt->sysmem->o)}, ri->layout_hint, 0};
  spin_unlock(&ri->lock);
  /* the mapper may be a host upcall: never call it under a lock */
  mapper_choose_layout(root->o.rt, root, mask & ~A_LOAD(&ri->inst_mask), &lay);
  spin_lock(&ri->lock);
  uint64_t missing = mask & ~ri->inst_mask;
  lhrt_status_t st = missing ? make_instances(root, missing, lay) : LHRT_OK;
  spin_unlock(&ri->lock);
  return st;
}

void root_free_instances(struct region *root) {
  struct rootinfo *ri = root->ri;
  while (ri->insts) {
    struct instance *in = ri->insts;
    ri->insts = in->next;
    mem_release(in->mem, in->base, in->bytes);
    plat_free(in);
  }
}

/* The view of field slot fidx of the root's instance over sub's bounding box. */
void region_accessor(struct region *sub, int fidx, lhrt_accessor_t *out) {
  struct rootinfo *ri = sub->root->ri;
  struct instance *in = ri->field_inst[fidx];
  const lhrt_rect_t *b = &sub->is->bounds;
  uintptr_t addr = (uintptr_t)in->base + ri->field_off[fidx];
  for (int d = 0; d < b->dim; d++) addr += (uintptr_t)((b->lo[d] - in->bounds.lo[d]) * in->stride[d]);
  out->base = (void *)addr;
  for (int d = 0; d < LHRT_MAX_DIM; d++) out->stride[d] = in->stride[d];
  out->bounds = *b;
  out->field_id = sub->fs->ids[fidx];
  out->field_size = sub->fs->sizes[fidx];
  out->redop = 0;
  out->space = sub->is->nrects > 1 ? H(&sub->is->o) : NULL;   /* one rectangle: its bounds */
}
