/*
 * The handle table: what a handle's `impl` means. It is not the object's address but a slot
 * number and that slot's generation, so a handle kept past its object's end (destroyed, freed
 * with its runtime, or a task context after its body) is told apart from a live one without
 * reading the freed object, and never aliases a new object that reuses the memory or the slot.
 */
#include "internal.h"

/*
 * Why one process-wide table and not one per runtime: a handle from a destroyed runtime must
 * still decode to "was destroyed", and there is then no runtime left to ask. The table only
 * grows: chunks of 4096 slots, allocated as needed and never freed, so a lookup is two loads
 * with no lock (a destroyed object's slot keeps its storage; only its generation moves).
 *
 * A slot's generation is even while the slot is free and odd while it names an object; taking
 * and giving back each add one, mod 2^30. A handle is gen << 32 | index << 1: even (the Java
 * backend's deferred-launch stand-ins are odd), below 2^62 (stand-ins start at 0x5ead...), never
 * 0 (a live generation is odd), and 8 bytes like the pointer it replaces. A stale handle's
 * generation is behind its slot's by less than half the range; anything else was never a handle.
 *
 * Slots are given lazily: an object gets one when a handle to it is first handed out (most
 * subregions and internal index spaces never are). Each thread keeps a few free slot numbers
 * (struct thr), so the per-task context handle a body gets costs no lock; the shared free list
 * moves them in batches. Freed slots are reused last-in first-out: the generation is what makes
 * that safe.
 */
#define H_CHUNK (1u << H_CHUNK_BITS)
#define H_DIR 8192                        /* 32 M slots at most */
#define H_BATCH (H_CACHE / 2)
#define H_CLOSED 0x80000000u              /* slot info: its last object went with its runtime */

struct hslot *h_dir[H_DIR];
uint32_t h_made = 1;                      /* slots handed out so far; slot 0 is never used */
static spin_t h_lock;
static uint32_t h_free;                   /* shared free list (through info), 0 = empty */

static inline struct hslot *slot_at(uint32_t i) { return &h_dir[i >> H_CHUNK_BITS][i & (H_CHUNK - 1)]; }

/* Moves up to n free slot numbers into out (h_lock held); new ones come from the end. */
static uint32_t take_free(uint32_t *out, uint32_t n) {
  uint32_t k = 0;
  while (k < n && h_free) {
    out[k++] = h_free;
    h_free = slot_at(h_free)->info & ~H_CLOSED;
  }
  while (k < n) {
    uint32_t i = h_made;
    if (i >= (uint32_t)H_DIR * H_CHUNK) break;
    if (!h_dir[i >> H_CHUNK_BITS] && !(h_dir[i >> H_CHUNK_BITS] = plat_zalloc(H_CHUNK * sizeof(struct hslot))))
      break;
    A_STORE(&h_made, i + 1);              /* readers bound-check against it: the chunk is there */
    out[k++] = i;
  }
  return k;
}

static void give_free(const uint32_t *in, uint32_t n) {
  spin_lock(&h_lock);
  for (uint32_t k = 0; k < n; k++) {
    struct hslot *s = slot_at(in[k]);
    A_STORE(&s->info, (A_RLX(&s->info) & H_CLOSED) | h_free);
    h_free = in[k];
  }
  spin_unlock(&h_lock);
}

static uint32_t slot_get(void) {
  struct thr *th = thr_get();
  uint32_t i = 0;
  if (th && th->nhfree) return th->hfree[--th->nhfree];
  spin_lock(&h_lock);
  if (th) {
    th->nhfree = take_free(th->hfree, H_BATCH);
    if (th->nhfree) i = th->hfree[--th->nhfree];
  } else {
    take_free(&i, 1);
  }
  spin_unlock(&h_lock);
  return i;
}

static void slot_put(uint32_t i) {
  struct thr *th = thr_peek();
  if (th && th->nhfree < H_CACHE) { th->hfree[th->nhfree++] = i; return; }
  if (th) { /* full: half goes to the shared list, so a thread that only frees does not lock each time */
    give_free(th->hfree + H_BATCH, H_CACHE - H_BATCH);
    th->nhfree = H_BATCH;
    th->hfree[th->nhfree++] = i;
    return;
  }
  give_free(&i, 1);
}

void h_thread_exit(struct thr *th) {
  if (th->body_s && !th->body_busy) th->hfree[th->nhfree++] = th->body_slot; /* room: H_CACHE + 1 */
  th->body_s = NULL;
  give_free(th->hfree, th->nhfree);
  th->nhfree = 0;
}

/* h_bind_body (internal.h) when this thread has no free body slot yet, or it is in use. */
uint64_t h_bind_body_slow(struct thr *th, struct obj *o) {
  if (th->body_busy || th->body_s) return h_of(o);
  uint32_t i = slot_get();
  if (!i) return h_of(o);
  th->body_slot = i;
  th->body_s = slot_at(i);
  th->body_gen = th->body_s->gen;
  A_STORE(&th->body_s->info, 0u);     /* a stale context never went "with its runtime" */
  return h_bind_body(th, o);
}

/* A fresh live slot naming o, as its handle value; 0 when the table cannot grow. */
static uint64_t slot_bind(struct obj *o) {
  uint32_t i = slot_get();
  if (!i) return 0;
  struct hslot *s = slot_at(i);
  uint32_t gen = (s->gen + 1) & H_GEN_MASK;  /* even -> odd */
  s->obj = o;
  A_STORE(&s->gen, gen);                     /* publishes obj to obj_check */
  return (uint64_t)gen << 32 | (uint64_t)i << 1;
}

static void slot_unbind(uint64_t h, bool closed) {
  uint32_t i = (uint32_t)h >> 1;
  struct hslot *s = slot_at(i);
  A_STORE(&s->info, closed ? H_CLOSED : 0u);
  A_STORE(&s->gen, ((uint32_t)(h >> 32) + 1) & H_GEN_MASK);  /* odd -> even: every handle to it is stale */
  slot_put(i);
}

/* Objects may be handed out by two threads at once (two tasks asking for the same region's
 * index space): the first to publish its slot wins and the other gives its slot back. */
uint64_t h_of_slow(struct obj *o) {
  uint64_t h = slot_bind(o), expect = 0;
  if (!h) return 0;
  if (A_CAS(&o->h, &expect, h)) return h;
  slot_unbind(h, false);
  return expect;
}

/* No exchange needed: an object's end (its free, its body's end) is not concurrent with its
 * use by the runtime, and a caller still using a handle while destroying it has a race anyway. */
void h_retire_slow(struct obj *o) {
  uint64_t h = A_LOAD(&o->h);
  A_STORE(&o->h, 0);
  slot_unbind(h, o->rt && A_RLX(&o->rt->closing));
}

lhrt_status_t h_out(void **impl, struct obj *o) {
  uint64_t h = o ? h_of(o) : 0;
  *impl = (void *)(uintptr_t)h;
  if (o && !h) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of handles (%u in use)", A_LOAD(&h_made));
  return LHRT_OK;
}

const char *obj_kind_name(uint32_t k) {
  static const char *n[] = {"?", "runtime", "memory", "index space", "field space", "region",
                            "partition", "task launcher", "index launcher", "future", "future map",
                            "mapping", "context"};
  return k < sizeof n / sizeof n[0] ? n[k] : "?";
}

/* Why impl is not a live handle of this kind, as the calling thread's error. */
void *obj_check_slow(void *impl, uint32_t kind, lhrt_status_t *st) {
  uint64_t v = (uint64_t)(uintptr_t)impl;
  uint32_t i = (uint32_t)v >> 1, gen = (uint32_t)(v >> 32);
  const char *what = obj_kind_name(kind);
  if (!v) { *st = lhrt_err(LHRT_ERR_INVALID_HANDLE, "NULL %s handle", what); return NULL; }
  if ((v & H_SHAPE_MASK) != H_SHAPE || !i || i >= A_LOAD(&h_made)) {
    *st = lhrt_err(LHRT_ERR_INVALID_HANDLE, "%p is not a %s handle (no handle has that value)", impl, what);
    return NULL;
  }
  struct hslot *s = slot_at(i);
  uint32_t now = A_LOAD(&s->gen);
  if (now == gen) {
    struct obj *o = s->obj;
    *st = lhrt_err(LHRT_ERR_INVALID_HANDLE, "%p is not a %s handle (it names a live %s)", impl, what, obj_kind_name(o->kind));
    return NULL;
  }
  uint32_t behind = (now - gen) & H_GEN_MASK;
  if (behind == 0 || behind >= (H_GEN_MASK + 1) / 2) {
    *st = lhrt_err(LHRT_ERR_INVALID_HANDLE, "%p is not a %s handle (no handle has that value)", impl, what);
    return NULL;
  }
  const char *why = behind == 1 && (A_RLX(&s->info) & H_CLOSED) ? " (with its runtime)"
                    : kind == K_TASK                           ? " (its task's body ended)"
                                                               : "";
  *st = lhrt_err(LHRT_ERR_INVALID_HANDLE, "%s handle %p was destroyed%s", what, impl, why);
  return NULL;
}
