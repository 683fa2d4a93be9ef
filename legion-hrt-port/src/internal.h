/*
 * internal.h: the runtime's private structures and helpers, shared by the files in src/. Only
 * freestanding headers and plat.h: this is what lets src/ build inside the aerokernel.
 * Threading model: see README.md ("Runtime internals").
 */
#ifndef LHRT_INTERNAL_H
#define LHRT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lhrt.h"
#include "../platform/plat.h"

/* ------------------------------------------------------------ atomics ---- */
#define A_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define A_RLX(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define A_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define A_ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_ACQ_REL)
#define A_SUB(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_ACQ_REL)
#define A_OR(p, v) __atomic_fetch_or((p), (v), __ATOMIC_ACQ_REL)
#define A_XCHG(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define A_CAS(p, e, d) __atomic_compare_exchange_n((p), (e), (d), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define A_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* ------------------------------------------------------------ sync.c ---- */
typedef struct { uint32_t v; } spin_t;    /* test-and-test-and-set lock for short sections */
typedef struct { uint32_t v; } mutex_t;   /* futex mutex (0 free, 1 locked, 2 contended) */
void spin_lock(spin_t *l);
void spin_unlock(spin_t *l);
void mutex_lock(mutex_t *m);
void mutex_unlock(mutex_t *m);

/* ------------------------------------------------------------ util.c ---- */
#define u_memcpy __builtin_memcpy
#define u_memset __builtin_memset
#define u_memcmp __builtin_memcmp
size_t u_strlen(const char *s);
char *u_strdup(const char *s);
const char *failure_root(const char *cause);
int u_vfmt(char *buf, size_t cap, const char *fmt, va_list ap);
int u_fmt(char *buf, size_t cap, const char *fmt, ...);
void u_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
static inline int64_t i64min(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t i64max(int64_t a, int64_t b) { return a > b ? a : b; }

/* ------------------------------------------------------ error.c (thread state) ---- */
#define H_CACHE 32
struct worker;
struct task;
struct thr {
  char err[256];
  struct worker *w;      /* the slot this thread serves, NULL off the pool */
  struct task *cur;      /* the task this thread runs */
  bool more;             /* the thread still has points of a slice to run */
  uint64_t ready_ns;     /* the running work item's, for tracing */
  struct launch *batch_l; /* the launch of the slice this thread runs: its points' completions */
  int64_t batch_n;        /* ... counted here, and taken off its `remaining` once (slice_flush) */
  char *callback_err;    /* a callback's lhrt_callback_fail, not yet taken (owned) */
  const char *last_task; /* the name of the task it ran last, until its stack is checked at idle */
  uint32_t nhfree;       /* free handle slots kept by this thread (handle.c) */
  uint32_t hfree[H_CACHE + 1];
  struct hslot *body_s;  /* the slot of the native body's context it runs (h_bind_body) */
  uint32_t body_slot, body_gen, body_busy;
};
struct thr *thr_get(void);
struct thr *thr_peek(void);   /* NULL until the thread needed state */
void slice_flush(struct thr *th);
lhrt_status_t lhrt_err(lhrt_status_t code, const char *fmt, ...);

/* ------------------------------------------------------------ objects ---- */
enum { K_RUNTIME = 1, K_MEMORY, K_ISPACE, K_FSPACE, K_REGION, K_PART, K_TLAUNCHER, K_ILAUNCHER,
       K_FUTURE, K_FMAP, K_MAPPING, K_TASK };
struct lhrt_runtime;
struct obj {                /* header of every handle target */
  uint32_t kind;
  uint32_t owned;           /* linked into the runtime's list of caller-owned objects */
  uint64_t h;               /* its handle (handle.c), 0 until one was first handed out */
  struct obj *prev, *next;  /* that list (guarded by rt->objlock) */
  struct lhrt_runtime *rt;
};
void obj_init(struct lhrt_runtime *rt, struct obj *o, uint32_t kind, bool owned);
void obj_fini(struct obj *o);     /* unlink and invalidate its handle */
void obj_unlink(struct obj *o);   /* caller no longer owns it; stays valid */
static inline bool obj_owned(const struct obj *o) { return o->owned != 0; }
const char *obj_kind_name(uint32_t kind);

/* ------------------------------------------------------------ handle.c ---- */
struct hslot { struct obj *obj; uint32_t gen; uint32_t info; };
#define H_CHUNK_BITS 12                     /* slots per chunk of the table: 4096 */
#define H_GEN_MASK 0x3fffffffu
#define H_SHAPE_MASK 0xc000000100000001ull  /* bits that are fixed in a live handle: */
#define H_SHAPE 0x0000000100000000ull       /* odd generation, even value, below 2^62 */
extern struct hslot *h_dir[];
extern uint32_t h_made;
uint64_t h_of_slow(struct obj *o);
/* o's handle (made on first use), 0 when the table cannot grow. */
static inline uint64_t h_of(struct obj *o) {
  uint64_t h = A_LOAD(&o->h);
  return h ? h : h_of_slow(o);
}
/* *impl = o's handle (NULL for o == NULL); LHRT_ERR_NO_MEMORY when none can be made. */
lhrt_status_t h_out(void **impl, struct obj *o);
#define H(o) ((void *)(uintptr_t)h_of(o))          /* for internal calls, where 0 fails the call */
void h_retire_slow(struct obj *o);
/* o's handle (if it has one) is stale from now on. */
static inline void h_retire(struct obj *o) { if (A_RLX(&o->h)) h_retire_slow(o); }
void h_thread_exit(struct thr *th);
uint64_t h_bind_body_slow(struct thr *th, struct obj *o);
/*
 * A native body's context handle, on the launch path of every point: the running thread keeps
 * one slot for it and moves it from task to task (a few stores, no lock, no atomic
 * read-modify-write, the slot's generation kept in the thread): a context is only valid during
 * its body, and a thread runs one body at a time unless a body's wait runs another on it,
 * which then takes the general path (h_of).
 */
static inline uint64_t h_bind_body(struct thr *th, struct obj *o) {
  if (__builtin_expect(th->body_busy || !th->body_s, 0)) return h_bind_body_slow(th, o);
  uint32_t gen = (th->body_gen + 1) & H_GEN_MASK;          /* even -> odd */
  th->body_s->obj = o;
  A_STORE(&th->body_s->gen, gen);
  th->body_gen = gen;
  th->body_busy = 1;
  uint64_t h = (uint64_t)gen << 32 | (uint64_t)th->body_slot << 1;
  A_STORE(&o->h, h);
  return h;
}
/* Ends what h_bind_body gave (before task_finish_body, which would retire any other handle). */
static inline void h_unbind_body(struct thr *th, struct obj *o) {
  if (!th->body_busy || (uint32_t)A_RLX(&o->h) >> 1 != th->body_slot) return;
  th->body_gen = (th->body_gen + 1) & H_GEN_MASK;          /* odd -> even: the handle is stale */
  A_STORE(&th->body_s->gen, th->body_gen);
  A_STORE(&o->h, 0);
  th->body_busy = 0;
}
void *obj_check_slow(void *impl, uint32_t kind, lhrt_status_t *st);
/* The object a live handle of this kind names, or NULL with the reason as the thread's error.
 * On the launch path: a shape test, a bound, two loads and the generation compare. A handle
 * used while another thread destroys it is a race in the caller (as use of freed memory would
 * be); a handle used after its destroy returned is always caught. */
static inline void *obj_check(void *impl, uint32_t kind, lhrt_status_t *st) {
  uint64_t v = (uint64_t)(uintptr_t)impl;
  uint32_t i = (uint32_t)v >> 1;
  if (__builtin_expect((v & H_SHAPE_MASK) == H_SHAPE && i < A_LOAD(&h_made), 1)) {
    struct hslot *s = &h_dir[i >> H_CHUNK_BITS][i & ((1u << H_CHUNK_BITS) - 1)];
    if (A_LOAD(&s->gen) == (uint32_t)(v >> 32)) {
      struct obj *o = s->obj;
      if (o->kind == kind) return o;
    }
  }
  return obj_check_slow(impl, kind, st);
}
#define CHECK(var, type, kind, handle)                        \
  type *var;                                                  \
  do {                                                        \
    lhrt_status_t st_ = 0;                                    \
    var = (type *)obj_check((handle).impl, (kind), &st_);     \
    if (!var) return st_;                                     \
  } while (0)
/* Objects of two runtimes never mix: one runtime would hold the other's objects, which that
 * runtime's destroy leaves dangling. */
#define SAME_RT(rt_, o_, what)                                                                   \
  do {                                                                                           \
    if ((o_)->rt != (rt_))                                                                       \
      return lhrt_err(LHRT_ERR_INVALID_ARG, "%s: %s belongs to another runtime", __func__, what); \
  } while (0)
#define NEED(ptr) do { if (!(ptr)) return lhrt_err(LHRT_ERR_INVALID_ARG, "%s: %s is NULL", __func__, #ptr); } while (0)

/* ------------------------------------------------------- index_space.c ---- */
struct ispace {
  struct obj o;
  int32_t refs;           /* user handle (if owned) + regions, partitions */
  int32_t dim;
  uint64_t volume;
  lhrt_rect_t bounds;
  uint64_t nrects;        /* disjoint, sorted */
  lhrt_rect_t *rects;     /* == &one when nrects <= 1 */
  lhrt_rect_t one;
};
bool rect_empty(const lhrt_rect_t *r);
uint64_t rect_volume(const lhrt_rect_t *r);
bool rect_intersect(const lhrt_rect_t *a, const lhrt_rect_t *b, lhrt_rect_t *out);
bool rect_contains(const lhrt_rect_t *r, const lhrt_point_t *p);
void rect_point_at(const lhrt_rect_t *r, uint64_t i, lhrt_point_t *out);
bool rect_contains_rect(const lhrt_rect_t *outer, const lhrt_rect_t *inner);
struct ispace *is_new(struct lhrt_runtime *rt, int32_t dim, lhrt_rect_t *rects, uint64_t n, bool owned);
struct ispace *is_from_points(struct lhrt_runtime *rt, int32_t dim, lhrt_point_t *pts, uint64_t n);
struct ispace *is_op(struct lhrt_runtime *rt, const struct ispace *a, const struct ispace *b, int op);
void is_ref(struct ispace *is);
void is_unref(struct ispace *is);
bool is_overlaps(const struct ispace *a, const struct ispace *b);
bool is_contains(const struct ispace *is, const lhrt_point_t *p);
bool is_contains_space(const struct ispace *outer, const struct ispace *inner);
void is_points_into(const struct ispace *is, lhrt_point_t *first, uint64_t stride);
void is_point_at(const struct ispace *is, uint64_t i, lhrt_point_t *out);
int64_t is_linear(const lhrt_rect_t *bounds, const lhrt_point_t *p);  /* -1 outside */
enum { IS_UNION, IS_INTERSECT, IS_DIFF };

/* ------------------------------------------------------- field_space.c ---- */
struct fspace {
  struct obj o;
  int32_t refs;
  spin_t lock;
  uint64_t live;                   /* slot i holds a live field */
  uint64_t retired;                /* freed while regions used the space: not reused until they go */
  uint32_t ids[LHRT_MAX_FIELDS], sizes[LHRT_MAX_FIELDS];
  uint32_t next_auto;
};
int fs_index(struct fspace *fs, uint32_t fid);      /* live slot or -1 */
/* The slot of field fid among `slots` (a requirement's, taken when it was made: a field freed
 * since still resolves for the work that named it), or -1. */
int fs_index_in(struct fspace *fs, uint32_t fid, uint64_t slots);
uint32_t fs_size_at(struct fspace *fs, int idx);
void fs_unref(struct fspace *fs);

/* ------------------------------------------------------- instance.c ---- */
struct memory {
  struct obj o;
  bool arena;
  char *base;
  uint64_t size, used;
  spin_t lock;
  uint64_t nfree, capfree;
  uint64_t *fr;                    /* free extents as (offset, length) pairs, sorted */
  uint64_t pristine;               /* arena: bytes from here on are known zero (never handed out) */
  int32_t live;
};
struct instance {
  struct instance *next;
  struct memory *mem;
  char *base;
  uint64_t bytes;
  lhrt_rect_t bounds;
  int64_t stride[LHRT_MAX_DIM];
  uint64_t mask;
};
struct memory *mem_system(struct lhrt_runtime *rt);
void *mem_alloc(struct memory *m, uint64_t bytes);
void mem_release(struct memory *m, void *p, uint64_t bytes);
void mem_destroy_all(struct lhrt_runtime *rt);

/* ------------------------------------------------------- region.c ---- */
struct region;
struct partition;
struct rootinfo {
  int32_t refs;                    /* user handle + live launches */
  spin_t lock;
  mutex_t red_lock;                /* serialises reduction folds into this tree */
  uint64_t inst_mask;
  struct instance *field_inst[LHRT_MAX_FIELDS];
  uint32_t field_off[LHRT_MAX_FIELDS];
  struct instance *insts;
  uint32_t layout_hint;
  void *mem_hint;                   /* a memory handle: checked again when instances are made */
  struct task *creator;
  bool destroyed;
};
struct region {
  struct obj o;
  struct region *root;
  struct partition *parent;        /* NULL for a root */
  lhrt_point_t color;
  uint32_t depth;
  uint32_t tree_id;
  struct ispace *is;
  struct fspace *fs;
  struct partition *parts;         /* partitions of this region */
  struct rootinfo *ri;             /* roots only */
};
struct partition {
  struct obj o;
  struct region *parent;
  struct ispace *colors;
  uint64_t nslots;                 /* volume of colors->bounds */
  struct region **child;           /* by is_linear(colors->bounds, color) */
  bool disjoint, complete, released;
  bool has_empty;                  /* some subregion has no points (it interferes with nothing) */
  struct partition *next;
};
static inline struct region *region_up(struct region *r) { return r->parent ? r->parent->parent : NULL; }
bool region_is_ancestor(struct region *anc, struct region *r);   /* ancestor or self */
bool region_interfere(struct region *a, struct region *b);
struct region *region_child_of(struct region *r, struct partition *p); /* r's ancestor in p */
void root_ref(struct region *root);
void root_unref(struct region *root);
lhrt_status_t root_ensure_instances(struct region *root, uint64_t mask);
void region_accessor(struct region *sub, int fidx, lhrt_accessor_t *out);
struct partition *part_new(struct region *parent, struct ispace *colors, struct ispace **subs, uint32_t kind);

/* ------------------------------------------------------- depend.c ---- */
struct dwaiter {               /* something that waits for predecessors */
  int32_t pending;
  uint32_t poisoned;
  char *cause;                 /* first failed predecessor's message (owned) */
  void (*ready)(struct dwaiter *);
};
struct dnode {                 /* something that completes */
  uint32_t state;              /* D_DONE | D_FAILED | D_WAITERS */
  spin_t lock;
  uint32_t nsucc, cap;
  struct dwaiter **succ;
  struct dwaiter *inl[2];
  char *err;                   /* failure message (owned) */
};
#define D_DONE 1u
#define D_FAILED 2u
#define D_WAITERS 4u
void dnode_init(struct dnode *n);
void dnode_fini(struct dnode *n);
void dep_add(struct dnode *pred, struct dwaiter *w);
void dep_add_ex(struct dnode *pred, struct dwaiter *w, bool order_only);
void dnode_complete(struct dnode *n, bool failed, const char *err);
bool dnode_done(struct dnode *n);
lhrt_status_t dnode_wait(struct dnode *n);
struct entry;
struct tstate { uint32_t tree_id; uint32_t n, cap, sweep_at; struct entry *e; };
struct ctx { mutex_t lock; uint32_t ntrees, cap; struct tstate *trees; uint32_t launches, sweep_rr; };
struct launch;
void ctx_free(struct ctx *c);
void ctx_purge_tree(struct ctx *c, uint32_t tree);
void depend_analyze(struct ctx *c, struct launch *l);

/* ------------------------------------------------------- task.c / launch.c ---- */
struct variant { lhrt_task_fn fn; void *user; };
struct taskdef {
  struct taskdef *next;
  uint32_t id;
  char name[64];
  char label[80];              /* "task NAME (id N)": what a CPU runs, for a VMM's report (plat_note_task) */
  struct variant v[3];         /* by kind: CPU, JVM */
  uint32_t kinds;              /* bit per kind */
};
struct req {
  struct region *region;       /* region requirement, or NULL */
  struct partition *part;      /* partition requirement (index launches) */
  struct region *parent;
  struct region *node;         /* region, or part->parent: the tree node of the whole launch */
  uint32_t proj;
  uint32_t priv, coh, redop;
  uint64_t mask;
  int32_t parent_req;          /* the launching task's covering requirement, -1 at top level */
  uint32_t pointwise;          /* identity projection over a dense domain */
};
struct redinst {
  struct redinst *next;
  uint32_t req, fidx;
  char *buf;
  uint64_t bytes;
  struct memory *mem;          /* the arena buf came from, NULL: the heap */
  lhrt_accessor_t view;        /* over buf */
};
struct mapping;
#define T_EXTERNAL 1u
#define T_FAILED 2u
#define T_BODY_DONE 4u
#define T_MAPPED 8u
#define T_WAITALL 16u
struct task {
  struct obj o;                /* K_TASK: lets lhrt_ctx_t be checked */
  struct dwaiter w;
  struct dnode done;
  struct launch *l;            /* NULL for the top-level pseudo task */
  uint64_t index;
  lhrt_point_t point;
  int32_t ends;                /* 1 (body) + launches not yet complete */
  uint32_t flags;
  int32_t worker;
  struct ctx *ctx;             /* analysis state of its children, lazily */
  void *res;
  uint64_t res_size;
  uint8_t res_inline[16];
  char *err;
  struct redinst *reds;
  struct mapping *maps;
  struct lhrt_runtime *rt;
  uint64_t trace_ready;        /* a traced JVM body: when it was queued for the JVM */
  uint64_t trace_start;        /* ... and when a host thread took it */
};
enum { L_TASK = 0, L_MAP = 1, L_FILL = 2, L_COPY = 3 };
struct future;
struct launch {
  struct dnode done;           /* all points complete */
  struct launch *next_free;
  int32_t refs;
  uint32_t kind;
  bool is_index;
  uint32_t failed_any;
  struct lhrt_runtime *rt;
  struct task *parent;
  struct taskdef *def;
  uint32_t vkind;
  void *args;
  uint64_t arglen;
  uint8_t args_inline[64];
  uint32_t nreqs;
  struct req *reqs;
  struct req reqs_inline[2];
  uint32_t nfuts;
  struct future **futs;
  uint64_t npoints;
  struct ispace *domain;       /* index launches (ref) */
  struct task *points;         /* == &one for single launches */
  uint8_t *pstate;             /* lazy launches: each point's PS_*; NULL when all are made at once */
  uint64_t points_cap;
  struct region **subs;        /* [point * nreqs + req] for index launches */
  uint64_t subs_cap;
  int64_t remaining;
  uint32_t result_redop;
  void *result;
  uint64_t result_size;
  uint8_t result_inline[16];
  int32_t worker_hint;
  uint32_t grain;              /* split slices larger than this */
  int32_t spread;              /* deal initial slices to every worker */
  struct task one;
};
/*
 * The points of an index launch over a few rectangles are made lazily: a point's record is
 * written when something first needs it (the worker that runs it, an analysis edge, a future)
 * instead of by the launching thread for every point up front. One state byte per point says
 * how far it is; the first to move it RAW -> INIT writes the record, others wait for READY.
 */
enum { PS_RAW = 0, PS_FREE = 1 /* released before anyone made it: made without the analysis hold */,
       PS_INIT = 2, PS_READY = 3, PS_CLEAN = 4 /* complete, owns nothing to free */ };
struct task *launch_point_slow(struct launch *l, uint64_t i);
static inline struct task *launch_point(struct launch *l, uint64_t i) {
  if (!l->pstate || A_LOAD(&l->pstate[i]) >= PS_READY) return &l->points[i];
  return launch_point_slow(l, i);
}
/* Point i's coordinates without making its record. */
void launch_point_coord(const struct launch *l, uint64_t i, lhrt_point_t *out);
static inline struct region *launch_sub(struct launch *l, uint64_t i, uint32_t r) {
  return l->subs ? l->subs[i * l->nreqs + r] : l->reqs[r].region;
}
/* interfere.c: calls fn(ctx, i, j) for each pair of rectangles, one of U's point i's subregion
 * for requirement ru and one of V's point j's for rv, that share a point (a pair of points comes
 * once per such pair of rectangles) until fn returns nonzero. Same tree only. */
lhrt_status_t launch_overlaps(struct launch *U, uint32_t ru, struct launch *V, uint32_t rv,
                              int (*fn)(void *ctx, uint64_t i, uint64_t j), void *ctx);
/* LHRT_ERR_INTERFERENCE when some points i != j of l have subregions for requirements a and b
 * that share a point. */
lhrt_status_t launch_pair_interference(struct launch *l, uint32_t a, uint32_t b);
struct launcher {
  struct obj o;
  uint32_t task_id;
  bool is_index;
  struct ispace *domain;
  void *args;
  uint64_t arglen;
  uint32_t nreqs, capreqs;
  struct req *reqs;
  uint32_t nfuts, capfuts;
  struct future **futs;
  uint32_t kind;
};
struct future {
  struct obj o;
  struct launch *l;            /* NULL for a value future */
  uint64_t index;              /* point index, or UINT64_MAX for the launch's reduced result */
  void *val;
  uint64_t size;
  uint8_t inl[16];
};
struct fmap { struct obj o; struct launch *l; };
struct mapping { struct obj o; struct launch *l; struct mapping *next; struct task *owner; bool unmapped; };

struct taskdef *task_lookup(struct lhrt_runtime *rt, uint32_t id);
void launch_ref(struct launch *l);
void launch_unref(struct launch *l);
struct launch *launch_alloc(struct lhrt_runtime *rt, uint64_t npoints, uint32_t nreqs, bool lazy);
lhrt_status_t launch_submit(struct task *parent, struct launch *l);
lhrt_status_t launch_build(struct task *parent, struct launcher *L, uint32_t kind, struct launch **out);
lhrt_status_t launcher_add_req(struct launcher *L, struct region *region, struct partition *part, uint32_t proj,
                               lhrt_region_t parent, uint32_t priv, uint32_t coh, uint32_t redop, uint32_t *out);
lhrt_status_t launcher_add_field(struct launcher *L, uint32_t req, uint32_t fid);
void copy_body(struct task *t);
struct task *ctx_task(lhrt_ctx_t ctx, lhrt_status_t *st);
void task_run(struct launch *l, uint64_t i);
void task_finish_body(struct task *t);
void task_set_failed(struct task *t, const char *msg);
void task_set_result(struct task *t, const void *v, uint64_t size);
lhrt_status_t task_wait_children(struct task *t);
lhrt_status_t check_privilege(struct task *parent, struct req *q, struct region *sub_or_node);
lhrt_status_t map_region_sync(struct task *parent, struct region *r, struct region *parent_r, uint32_t priv,
                              uint64_t mask, struct launch **out);
void unmap_sync(struct launch *l);
void accessor_for(struct task *t, uint32_t req, int fidx, lhrt_accessor_t *out);
lhrt_status_t red_prepare(struct task *t);
void red_apply_all(struct task *t);

/* ------------------------------------------------------- reduce.c ---- */
struct redop {
  struct redop *next;
  uint32_t id, size;
  uint8_t identity[64];
  lhrt_redop_fn apply, fold;
  void *user;
};
struct redop *redop_lookup(struct lhrt_runtime *rt, uint32_t id);
char *callback_take_error(void);  /* what a callback this thread ran reported, or NULL (caller owns) */
void redop_init(void);
void redop_free_all(struct lhrt_runtime *rt);

/* ------------------------------------------------------- proc.c ---- */
struct work {
  struct launch *l;
  uint32_t lo, hi;             /* points [lo, hi) */
  uint64_t ready_ns;           /* while tracing: when the points were handed over (0: not traced) */
};
struct worker {
  spin_t lock;
  uint32_t head, tail, cap;   /* ring [head, tail) */
  struct work *q;
  int32_t id;
  int32_t active;             /* threads currently serving this slot */
  uint32_t seed;
  struct lhrt_runtime *rt;
  char pad[64];
};
void proc_push(struct lhrt_runtime *rt, int32_t worker, struct work w);
void proc_push_ex(struct lhrt_runtime *rt, int32_t worker, struct work w, bool lazy);
lhrt_status_t proc_start(struct lhrt_runtime *rt);
void proc_stop(struct lhrt_runtime *rt);
void proc_block_begin(void);
void proc_block_end(void);
int32_t proc_current_worker(void);

/* ------------------------------------------------------- external.c ---- */
void extq_push(struct lhrt_runtime *rt, struct task *t);
void extq_free(struct lhrt_runtime *rt);

/* ------------------------------------------------------- mapper.c ---- */
int32_t mapper_select_worker(struct lhrt_runtime *rt, const lhrt_task_info_t *info);
uint32_t mapper_select_kind(struct lhrt_runtime *rt, const lhrt_task_info_t *info, uint32_t avail);
void mapper_choose_layout(struct lhrt_runtime *rt, struct region *root, uint64_t mask, lhrt_layout_t *out);
void mapper_slice(struct lhrt_runtime *rt, const lhrt_task_info_t *info, lhrt_slicing_t *out);

/* ------------------------------------------------------- runtime.c ---- */
struct projection { struct projection *next; uint32_t id; lhrt_projection_fn fn; void *user; };
#define HASH_BUCKETS 256
struct lhrt_runtime {
  struct obj o;
  lhrt_config_t cfg;
  int32_t nworkers;
  struct worker *workers;
  uint32_t closing;            /* lhrt_runtime_destroy has begun: stale handles say so */
  spin_t objlock;
  struct obj objs;             /* sentinel of the owned-object list */
  struct task top;
  uint32_t next_tree_id;
  spin_t reglock;
  struct taskdef *tasks[HASH_BUCKETS];
  struct redop *redops[HASH_BUCKETS];
  struct projection *projs[HASH_BUCKETS];
  lhrt_mapper_t mapper;
  bool custom_mapper;
  lhrt_external_fn ext;
  void *ext_host;
  struct extq *extq;           /* external queue mode (external.c) */
  struct memory *sysmem;
  /* scheduler */
  uint32_t shutdown;
  uint32_t sleepers;
  uint32_t spinning;           /* idle workers still spinning */
  uint32_t wake_seq;
  uint32_t rr;
  spin_t thrlock;
  void *spares;                /* idle runner threads (proc.c) */
  void *threads;               /* every runner thread (proc.c) */
  /* free lists */
  spin_t fllock;
  struct launch *free_launches;
  uint32_t nfree_launches;
  void *free_blocks[24];       /* point blocks by power-of-two capacity */
  /* tracing (trace.c) */
  uint32_t tracing;            /* 1 while task bodies are recorded */
  spin_t tracelock;            /* creates the logs once */
  struct trace_log *tlogs;     /* one per worker, then one for JVM bodies; NULL until first on */
  uint64_t trace_lost;
};
void trace_task(struct lhrt_runtime *rt, const struct task *t, uint32_t kind, uint64_t ready_ns, uint64_t start_ns);
void trace_free(struct lhrt_runtime *rt);
void runtime_free_block(struct lhrt_runtime *rt, void *p, uint64_t cap);
void *runtime_alloc_block(struct lhrt_runtime *rt, uint64_t n, uint64_t *cap);
struct projection *projection_lookup(struct lhrt_runtime *rt, uint32_t id);

#endif
