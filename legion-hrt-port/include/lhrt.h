/*
 * lhrt.h: the public C API of the legion-hrt task runtime (Legion's programming model).
 * Flat `lhrt_<object>_<verb>` functions over one-field opaque handles; values are plain
 * structs of fixed-width fields (no bitfields) so that Java FFM can lay them out directly.
 * Every call returns an lhrt_status_t; on error lhrt_last_error() holds a one-line message
 * for the calling thread. Every create says who owns the result.
 */
#ifndef LHRT_H
#define LHRT_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status ---- */
typedef int32_t lhrt_status_t;
enum {
  LHRT_OK = 0,
  LHRT_ERR_INVALID_ARG = 1,    /* a NULL pointer, bad size, dimension out of 1..3 */
  LHRT_ERR_INVALID_HANDLE = 2, /* NULL, destroyed, never made or wrong-kind handle */
  LHRT_ERR_UNKNOWN_FIELD = 3,  /* field id not allocated in the field space */
  LHRT_ERR_NOT_UNDER_PARENT = 4, /* requirement region not in the parent's subtree */
  LHRT_ERR_PRIVILEGE = 5,      /* privileges wider than the parent's, or wrong accessor use */
  LHRT_ERR_REDOP = 6,          /* unknown reduction operator or mismatched one */
  LHRT_ERR_BOUNDS = 7,         /* point outside an index space / accessor bounds */
  LHRT_ERR_TASK_FAILED = 8,    /* a task (or one it depended on) failed */
  LHRT_ERR_NO_MEMORY = 9,      /* allocation failed (memory or arena exhausted) */
  LHRT_ERR_UNSUPPORTED = 10,   /* feature or combination not supported */
  LHRT_ERR_INTERFERENCE = 11,  /* points of one index launch would interfere */
  LHRT_ERR_NOT_FOUND = 12,     /* task id, variant, symbol, color not found */
  LHRT_ERR_STATE = 13,         /* call not valid in this state (e.g. resource in use) */
  LHRT_ERR_LIMIT = 14,         /* a documented limit exceeded (e.g. 64 fields) */
  LHRT_ERR_INTERNAL = 15
};
/* Message of the last failed call on this thread ("" if none); valid until the next call. */
const char *lhrt_last_error(void);
/* Static name of a status code, e.g. "LHRT_ERR_BOUNDS". */
const char *lhrt_status_name(lhrt_status_t s);

/* ---------------------------------------------------------------- values ---- */
#define LHRT_MAX_DIM 3
#define LHRT_MAX_FIELDS 64 /* per field space */
#define LHRT_MAX_COLORS (1ull << 26) /* points in the bounds of a partition's color space */
/* A point of dimension dim (1..3); unused coordinates are 0. 32 bytes. */
typedef struct lhrt_point { int32_t dim; int32_t pad; int64_t x[LHRT_MAX_DIM]; } lhrt_point_t;
/* An inclusive rectangle [lo, hi]; empty when hi[i] < lo[i] for some i < dim. 56 bytes. */
typedef struct lhrt_rect {
  int32_t dim; int32_t pad; int64_t lo[LHRT_MAX_DIM]; int64_t hi[LHRT_MAX_DIM];
} lhrt_rect_t;
/* A rectangle tagged with a color, for partitions by coloring. 88 bytes. */
typedef struct lhrt_colored_rect { lhrt_point_t color; lhrt_rect_t rect; } lhrt_colored_rect_t;

lhrt_point_t lhrt_point1(int64_t x);
lhrt_point_t lhrt_point2(int64_t x, int64_t y);
lhrt_point_t lhrt_point3(int64_t x, int64_t y, int64_t z);
lhrt_rect_t lhrt_rect1(int64_t lo, int64_t hi);
lhrt_rect_t lhrt_rect2(int64_t lox, int64_t loy, int64_t hix, int64_t hiy);
lhrt_rect_t lhrt_rect3(int64_t lox, int64_t loy, int64_t loz, int64_t hix, int64_t hiy, int64_t hiz);

/* --------------------------------------------------------------- handles ---- */
/* Opaque handles: one pointer field each (8 bytes), so the compiler tells them apart. The value
 * is not an address (it names a slot of the library's handle table and that slot's generation,
 * always even and below 2^62): it stays valid while its object lives. After that (destroyed, its
 * runtime destroyed, a task context after its body) every call with it fails with
 * LHRT_ERR_INVALID_HANDLE and lhrt_last_error() says "<kind> handle 0x... was destroyed"; it never
 * names a later object. Values that were never handles are refused without being read. A handle
 * may be used from any thread; destroying it while another thread still uses it is the caller's
 * race. Destroying what other objects still use:
 *   index / field space: the regions, partitions, launchers and launches that use it keep it
 *     alive (the handle works as a borrowed one meanwhile; a second destroy is LHRT_ERR_STATE);
 *   root region: new work on the tree fails at once (LHRT_ERR_INVALID_HANDLE), and the tree is
 *     freed once the work using it is done (a second destroy meanwhile is LHRT_ERR_STATE);
 *   memory: refused while instances live in it (LHRT_ERR_STATE);
 *   partition: lives with its region tree (destroy only releases the handle). */
typedef struct { void *impl; } lhrt_runtime_t;
typedef struct { void *impl; } lhrt_ctx_t;          /* a running task or the top-level context */
typedef struct { void *impl; } lhrt_memory_t;
typedef struct { void *impl; } lhrt_index_space_t;
typedef struct { void *impl; } lhrt_field_space_t;
typedef struct { void *impl; } lhrt_region_t;       /* logical region (root or subregion) */
typedef struct { void *impl; } lhrt_partition_t;
typedef struct { void *impl; } lhrt_task_launcher_t;
typedef struct { void *impl; } lhrt_index_launcher_t;
typedef struct { void *impl; } lhrt_future_t;
typedef struct { void *impl; } lhrt_future_map_t;
typedef struct { void *impl; } lhrt_mapping_t;      /* an inline-mapped physical region */

/* ------------------------------------------------------------- enums ---- */
enum { LHRT_NO_ACCESS = 0, LHRT_READ_ONLY = 1, LHRT_READ_WRITE = 2, LHRT_WRITE_DISCARD = 3,
       LHRT_REDUCE = 4 };                                      /* privileges */
enum { LHRT_EXCLUSIVE = 0, LHRT_ATOMIC = 1, LHRT_SIMULTANEOUS = 2, LHRT_RELAXED = 3 }; /* coherence */
enum { LHRT_PROC_ANY = 0, LHRT_PROC_CPU = 1, LHRT_PROC_JVM = 2 }; /* processor / variant kinds */
enum { LHRT_LAYOUT_SOA = 0, LHRT_LAYOUT_AOS = 1 };
/* Partition kinds: COMPUTE checks disjointness and completeness; the others assert it. */
enum { LHRT_PART_COMPUTE = 0, LHRT_PART_DISJOINT = 1, LHRT_PART_ALIASED = 2,
       LHRT_PART_DISJOINT_COMPLETE = 3 };
#define LHRT_FIELD_AUTO 0xffffffffu
#define LHRT_PROJECTION_IDENTITY 0u

/* Built-in reduction operators: LHRT_REDOP(op, type). User ids start at LHRT_REDOP_USER. */
enum { LHRT_RED_SUM = 0, LHRT_RED_PROD = 1, LHRT_RED_MIN = 2, LHRT_RED_MAX = 3 };
enum { LHRT_TYPE_INT32 = 0, LHRT_TYPE_INT64 = 1, LHRT_TYPE_FLOAT = 2, LHRT_TYPE_DOUBLE = 3 };
#define LHRT_REDOP(op, type) ((uint32_t)(1 + (op) * 4 + (type)))
#define LHRT_REDOP_USER 1024u

/* ------------------------------------------------------------- runtime ---- */
typedef struct lhrt_config {
  uint32_t struct_size;   /* sizeof(lhrt_config_t) = 40, set by lhrt_config_init */
  int32_t workers;        /* worker threads (processors); 0 = number of cores */
  int32_t pin_workers;    /* 1 = bind worker i to core i mod cores */
  int32_t spin_ns;        /* how long an idle worker spins before sleeping (default 20000) */
  uint64_t reserved[3];
} lhrt_config_t;
void lhrt_config_init(lhrt_config_t *cfg);
/* Creates a runtime and starts its workers. Caller owns *out (lhrt_runtime_destroy). */
lhrt_status_t lhrt_runtime_create(const lhrt_config_t *cfg, lhrt_runtime_t *out);
/* Waits for all launched work, stops the workers, frees every object of this runtime. */
lhrt_status_t lhrt_runtime_destroy(lhrt_runtime_t rt);
/* The top-level context for launches from host threads. Owned by the runtime. */
lhrt_status_t lhrt_runtime_get_top_context(lhrt_runtime_t rt, lhrt_ctx_t *out);
lhrt_status_t lhrt_runtime_get_worker_count(lhrt_runtime_t rt, int32_t *out);
/* Waits until every launch made from ctx (and their descendants) has completed. */
lhrt_status_t lhrt_context_wait_all(lhrt_ctx_t ctx);

/* ------------------------------------------------------------- memories ---- */
/* The system memory (page allocator). Owned by the runtime. */
lhrt_status_t lhrt_memory_get_system(lhrt_runtime_t rt, lhrt_memory_t *out);
/* A memory over a caller-provided arena [base, base+size). Caller owns the handle; the arena
 * stays the caller's and must outlive the memory. Instances inside it are zero-filled. */
lhrt_status_t lhrt_memory_create_from_arena(lhrt_runtime_t rt, void *base, uint64_t size,
                                            lhrt_memory_t *out);
/* The same over an arena whose bytes are all zero now (fresh anonymous memory): an instance is
 * cleared only where an earlier one was, so untouched pages stay untouched until used. */
lhrt_status_t lhrt_memory_create_from_zeroed_arena(lhrt_runtime_t rt, void *base, uint64_t size,
                                                   lhrt_memory_t *out);
/* Fails with LHRT_ERR_STATE while instances live in it. */
lhrt_status_t lhrt_memory_destroy(lhrt_memory_t mem);
lhrt_status_t lhrt_memory_get_usage(lhrt_memory_t mem, uint64_t *used, uint64_t *capacity);

/* ---------------------------------------------------------- index spaces ---- */
/* All index-space creates: caller owns *out (lhrt_index_space_destroy); spaces are immutable. */
lhrt_status_t lhrt_index_space_create_rect(lhrt_runtime_t rt, lhrt_rect_t r, lhrt_index_space_t *out);
/* Union of n rectangles of dimension dim (they may overlap). */
lhrt_status_t lhrt_index_space_create_rects(lhrt_runtime_t rt, int32_t dim, const lhrt_rect_t *rects,
                                            uint64_t n, lhrt_index_space_t *out);
lhrt_status_t lhrt_index_space_create_points(lhrt_runtime_t rt, int32_t dim, const lhrt_point_t *pts,
                                             uint64_t n, lhrt_index_space_t *out);
lhrt_status_t lhrt_index_space_union(lhrt_index_space_t a, lhrt_index_space_t b, lhrt_index_space_t *out);
lhrt_status_t lhrt_index_space_intersection(lhrt_index_space_t a, lhrt_index_space_t b,
                                            lhrt_index_space_t *out);
lhrt_status_t lhrt_index_space_difference(lhrt_index_space_t a, lhrt_index_space_t b,
                                          lhrt_index_space_t *out);
lhrt_status_t lhrt_index_space_destroy(lhrt_index_space_t is);
lhrt_status_t lhrt_index_space_get_dim(lhrt_index_space_t is, int32_t *out);
lhrt_status_t lhrt_index_space_get_volume(lhrt_index_space_t is, uint64_t *out);
lhrt_status_t lhrt_index_space_get_bounds(lhrt_index_space_t is, lhrt_rect_t *out);
/* The space as disjoint rectangles, sorted; dense spaces have exactly one. */
lhrt_status_t lhrt_index_space_get_rect_count(lhrt_index_space_t is, uint64_t *out);
lhrt_status_t lhrt_index_space_get_rect(lhrt_index_space_t is, uint64_t i, lhrt_rect_t *out);
/* Rectangles [first, first + max) in one call (for callers that pay per call); *n = how many
 * were copied, fewer than max once the space has no more. */
lhrt_status_t lhrt_index_space_get_rects(lhrt_index_space_t is, uint64_t first, lhrt_rect_t *out, uint64_t max,
                                         uint64_t *n);
lhrt_status_t lhrt_index_space_contains(lhrt_index_space_t is, lhrt_point_t p, int32_t *out);
/* The i-th point in iteration order (rectangles in order, dimension 0 fastest). */
lhrt_status_t lhrt_index_space_get_point(lhrt_index_space_t is, uint64_t i, lhrt_point_t *out);
/* Iteration: init, then next until *valid == 0. The iterator is a plain value (48 bytes). */
typedef struct lhrt_index_iter { void *space; uint64_t rect; lhrt_point_t cur; } lhrt_index_iter_t;
lhrt_status_t lhrt_index_iter_init(lhrt_index_space_t is, lhrt_index_iter_t *it);
lhrt_status_t lhrt_index_iter_next(lhrt_index_iter_t *it, lhrt_point_t *p, int32_t *valid);

/* ---------------------------------------------------------- field spaces ---- */
/* Caller owns *out (lhrt_field_space_destroy). At most LHRT_MAX_FIELDS fields. */
lhrt_status_t lhrt_field_space_create(lhrt_runtime_t rt, lhrt_field_space_t *out);
lhrt_status_t lhrt_field_space_destroy(lhrt_field_space_t fs);
/* Allocates a field of `size` bytes (1..4096) with id `requested` or a fresh id if
 * LHRT_FIELD_AUTO; writes the id to *out_id. */
lhrt_status_t lhrt_field_space_allocate_field(lhrt_field_space_t fs, uint32_t size, uint32_t requested,
                                              uint32_t *out_id);
lhrt_status_t lhrt_field_space_free_field(lhrt_field_space_t fs, uint32_t fid);
lhrt_status_t lhrt_field_space_get_field_size(lhrt_field_space_t fs, uint32_t fid, uint32_t *out);
lhrt_status_t lhrt_field_space_get_field_count(lhrt_field_space_t fs, uint32_t *out);
lhrt_status_t lhrt_field_space_get_field_id(lhrt_field_space_t fs, uint32_t i, uint32_t *out);

/* --------------------------------------------------------------- regions ---- */
/* Creates a root logical region (a region tree). Caller owns *out (lhrt_region_destroy),
 * which also frees its partitions, subregions and instances once pending work is done. */
lhrt_status_t lhrt_region_create(lhrt_runtime_t rt, lhrt_index_space_t is, lhrt_field_space_t fs,
                                 lhrt_region_t *out);
lhrt_status_t lhrt_region_destroy(lhrt_region_t r);
/* Layout/memory request for the root's instances (before first use); used by the default mapper.
 * mem is looked up again when the instances are made: if it was destroyed by then, the operation
 * that needed them fails with LHRT_ERR_INVALID_HANDLE naming it. */
lhrt_status_t lhrt_region_set_layout(lhrt_region_t root, uint32_t layout, lhrt_memory_t mem);
/* Borrowed handles (valid while the region lives). */
lhrt_status_t lhrt_region_get_index_space(lhrt_region_t r, lhrt_index_space_t *out);
lhrt_status_t lhrt_region_get_field_space(lhrt_region_t r, lhrt_field_space_t *out);
lhrt_status_t lhrt_region_get_parent_partition(lhrt_region_t r, lhrt_partition_t *out); /* NULL impl for roots */
lhrt_status_t lhrt_region_get_tree_id(lhrt_region_t r, uint32_t *out);
/* The three above in one call (for callers that pay per call). */
lhrt_status_t lhrt_region_get_info(lhrt_region_t r, uint32_t *tree_id, lhrt_index_space_t *is, lhrt_field_space_t *fs);
/* Fills field fid of region with a value (a deferred operation ordered like a WRITE_DISCARD task). */
lhrt_status_t lhrt_region_fill(lhrt_ctx_t ctx, lhrt_region_t r, lhrt_region_t parent, uint32_t fid,
                               const void *value, uint32_t size);
/* Copies field values from src to dst for the points both regions hold (Legion's copy
 * operation, a deferred operation ordered like a task reading src and writing dst): field
 * src_fields[k] goes to dst_fields[k] (same sizes; the regions may be of different trees and
 * field spaces). With redop != 0 the values are folded into dst with that operator instead (dst
 * taken with REDUCE). src and dst may not share points of a field. */
lhrt_status_t lhrt_region_copy(lhrt_ctx_t ctx, lhrt_region_t src, lhrt_region_t src_parent, lhrt_region_t dst,
                               lhrt_region_t dst_parent, const uint32_t *src_fields, const uint32_t *dst_fields,
                               uint32_t nfields, uint32_t redop);
/* The index form: for every color c of dst's color space, src's subregion c to dst's subregion c,
 * in parallel (src must have every such color; dst must be disjoint unless redop folds). */
lhrt_status_t lhrt_partition_copy(lhrt_ctx_t ctx, lhrt_partition_t src, lhrt_region_t src_parent,
                                  lhrt_partition_t dst, lhrt_region_t dst_parent, const uint32_t *src_fields,
                                  const uint32_t *dst_fields, uint32_t nfields, uint32_t redop);
/* Inline mapping: waits until earlier conflicting work is done and returns a physical view.
 * Caller owns *out (lhrt_mapping_unmap). privilege READ_ONLY, READ_WRITE or WRITE_DISCARD. */
lhrt_status_t lhrt_region_map(lhrt_ctx_t ctx, lhrt_region_t r, lhrt_region_t parent, uint32_t privilege,
                              const uint32_t *fields, uint32_t nfields, lhrt_mapping_t *out);
lhrt_status_t lhrt_mapping_unmap(lhrt_mapping_t m);

/* ------------------------------------------------------------ partitions ---- */
/* All partition creates: the partition belongs to the region tree (freed with it); the handle
 * may be released early with lhrt_partition_destroy. `kind` is one of LHRT_PART_*. */
lhrt_status_t lhrt_partition_create_equal(lhrt_ctx_t ctx, lhrt_region_t parent, lhrt_index_space_t colors,
                                          lhrt_partition_t *out);
/* Subregion c = the union of the items of color c, clipped to the parent (a halo may reach past
 * the edge). DISJOINT kinds are taken on trust, as the header of this section says. */
lhrt_status_t lhrt_partition_create_by_rects(lhrt_ctx_t ctx, lhrt_region_t parent, lhrt_index_space_t colors,
                                             const lhrt_colored_rect_t *items, uint64_t n, uint32_t kind,
                                             lhrt_partition_t *out);
/* Field fid of parent holds each point's color (int32 for 1-D colors, or int64[color dim]). */
lhrt_status_t lhrt_partition_create_by_field(lhrt_ctx_t ctx, lhrt_region_t parent, uint32_t fid,
                                             lhrt_index_space_t colors, lhrt_partition_t *out);
/* Image: subspace c = { src[p].fid : p in source[c] } within parent; fid holds points of
 * parent's space (int32/int64 for 1-D, int64[dim] otherwise). Colors are source's. */
lhrt_status_t lhrt_partition_create_by_image(lhrt_ctx_t ctx, lhrt_region_t parent, lhrt_partition_t source,
                                             uint32_t fid, uint32_t kind, lhrt_partition_t *out);
/* Preimage: subspace c = { p in parent : parent[p].fid in target[c] }; colors are target's. */
lhrt_status_t lhrt_partition_create_by_preimage(lhrt_ctx_t ctx, lhrt_region_t parent, lhrt_partition_t target,
                                                uint32_t fid, uint32_t kind, lhrt_partition_t *out);
/* Color-wise set operations of two partitions of the same parent region (colors of a). */
lhrt_status_t lhrt_partition_create_by_union(lhrt_ctx_t ctx, lhrt_partition_t a, lhrt_partition_t b,
                                             uint32_t kind, lhrt_partition_t *out);
lhrt_status_t lhrt_partition_create_by_intersection(lhrt_ctx_t ctx, lhrt_partition_t a, lhrt_partition_t b,
                                                    uint32_t kind, lhrt_partition_t *out);
lhrt_status_t lhrt_partition_create_by_difference(lhrt_ctx_t ctx, lhrt_partition_t a, lhrt_partition_t b,
                                                  uint32_t kind, lhrt_partition_t *out);
lhrt_status_t lhrt_partition_destroy(lhrt_partition_t p);
lhrt_status_t lhrt_partition_is_disjoint(lhrt_partition_t p, int32_t *out);
lhrt_status_t lhrt_partition_is_complete(lhrt_partition_t p, int32_t *out);
lhrt_status_t lhrt_partition_get_color_space(lhrt_partition_t p, lhrt_index_space_t *out); /* borrowed */
lhrt_status_t lhrt_partition_get_parent(lhrt_partition_t p, lhrt_region_t *out);           /* borrowed */
lhrt_status_t lhrt_partition_get_subregion(lhrt_partition_t p, lhrt_point_t color, lhrt_region_t *out); /* borrowed */

/* ------------------------------------------------------------ reductions ---- */
/* Element-wise: lhs[i] = lhs[i] (op) rhs[i] for i < count, elements of elem_size bytes. */
typedef void (*lhrt_redop_fn)(void *lhs, const void *rhs, uint64_t count, void *user);
/* Registers operator id (>= LHRT_REDOP_USER). apply folds into a field value, fold combines two
 * reduction values (they may be the same function). identity: elem_size bytes, copied. */
lhrt_status_t lhrt_redop_register(lhrt_runtime_t rt, uint32_t id, uint32_t elem_size, const void *identity,
                                  lhrt_redop_fn apply, lhrt_redop_fn fold, void *user);
lhrt_status_t lhrt_redop_get_size(lhrt_runtime_t rt, uint32_t id, uint32_t *out);
/* Called by a callback that fails, on the thread that runs it: a reduction operator's apply or
 * fold that cannot combine its values (the reducing task, the launch's result reduction, the
 * copy or lhrt_future_map_reduce then fails with msg, instead of keeping a partial value), or a
 * projection functor that returns non-zero (the launch's error then carries msg). */
void lhrt_callback_fail(const char *msg);

/* ----------------------------------------------------------------- tasks ---- */
/* A task body. args/arglen: the launcher's argument bytes (valid during the call). */
typedef void (*lhrt_task_fn)(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user);
/* Registers a variant of task_id: kind LHRT_PROC_CPU (fn is the native body) or LHRT_PROC_JVM
 * (fn unused, may be NULL; user goes to the external executor). A task may have both; the
 * mapper picks (launchers may prefer one). name is copied. */
lhrt_status_t lhrt_task_register(lhrt_runtime_t rt, uint32_t task_id, const char *name, uint32_t kind,
                                 lhrt_task_fn fn, void *user);
/* Registers a CPU variant found by symbol in a shared library (dlopen/dlsym on Linux). */
lhrt_status_t lhrt_task_register_native_symbol(lhrt_runtime_t rt, uint32_t task_id, const char *name,
                                               const char *library, const char *symbol, void *user);
/* JVM variants (kind LHRT_PROC_JVM) are executed by this host callback, called on a runtime
 * worker thread. It must not block long: either run the body and call lhrt_task_complete before
 * returning, or hand the task to a host thread that calls lhrt_task_complete later. */
typedef void (*lhrt_external_fn)(void *host, lhrt_ctx_t task, uint32_t task_id, void *variant_user);
lhrt_status_t lhrt_runtime_set_external_executor(lhrt_runtime_t rt, lhrt_external_fn fn, void *host);
/* The alternative to the callback: JVM tasks are queued and host threads pull them. After
 * this call, lhrt_runtime_poll_external returns up to max ready task contexts (waiting up to
 * timeout_ns, <0 = forever, 0 = no wait), at most a fair share of the queue among the pollers
 * waiting; *n = 0 on timeout. Each returned task must be ended
 * with lhrt_task_complete / lhrt_task_complete_failed. lhrt_runtime_stop_external wakes every
 * poller, makes later polls fail with LHRT_ERR_STATE, and fails the tasks still queued (and any
 * queued later). Call it before lhrt_runtime_destroy, then join the pollers. */
lhrt_status_t lhrt_runtime_use_external_queue(lhrt_runtime_t rt);
lhrt_status_t lhrt_runtime_poll_external(lhrt_runtime_t rt, int64_t timeout_ns, lhrt_ctx_t *tasks, uint32_t max,
                                         uint32_t *n);
lhrt_status_t lhrt_runtime_stop_external(lhrt_runtime_t rt);

/* Task tracing (a profile of where the time went). While on, every task body that runs is
 * recorded: task id, point, worker, and on the runtime's clock (lhrt_runtime_time_ns:
 * CLOCK_MONOTONIC on Linux, the TSC in the HRT) when it became ready to run, started and
 * ended: start - ready is what getting it onto a core cost (queueing, waking a worker).
 * Records stay in the runtime until drained; lhrt_runtime_trace_drain copies up to max of
 * them, oldest first per worker, and *n says how many. Off by default; switching it off keeps
 * the records not yet drained. */
typedef struct lhrt_trace_record {     /* 48 bytes */
  uint64_t ready_ns;           /* handed to a worker (or the JVM queue); 0: before tracing began */
  uint64_t start_ns, end_ns;
  uint64_t point;              /* the point's index in its launch (0 for a single launch) */
  uint32_t task_id;
  int32_t worker;              /* the worker that ran the body; -1: a JVM body (run by a host thread) */
  uint16_t kind;               /* LHRT_PROC_CPU or LHRT_PROC_JVM */
  uint16_t failed;             /* 1 if the task failed */
  uint32_t pad;
} lhrt_trace_record_t;
lhrt_status_t lhrt_runtime_set_tracing(lhrt_runtime_t rt, int32_t on);
lhrt_status_t lhrt_runtime_trace_drain(lhrt_runtime_t rt, lhrt_trace_record_t *out, uint32_t max, uint32_t *n);
/* Records lost because the runtime ran out of memory for them (their tasks were not affected). */
lhrt_status_t lhrt_runtime_trace_lost(lhrt_runtime_t rt, uint64_t *out);
lhrt_status_t lhrt_runtime_time_ns(lhrt_runtime_t rt, uint64_t *out);

/* Inside a task (ctx = the task's context). */
lhrt_status_t lhrt_task_get_id(lhrt_ctx_t ctx, uint32_t *out);
lhrt_status_t lhrt_task_get_point(lhrt_ctx_t ctx, lhrt_point_t *out);   /* (0) for single tasks */
lhrt_status_t lhrt_task_get_args(lhrt_ctx_t ctx, const void **args, uint64_t *len);
/* The four above and the region count in one call (for callers that pay per call). */
lhrt_status_t lhrt_task_get_info(lhrt_ctx_t ctx, uint32_t *task_id, lhrt_point_t *point, const void **args,
                                 uint64_t *arglen, uint32_t *nregions);
/* The point's position in its launch (0 for single tasks) and the launch domain (borrowed; a
 * NULL handle for single tasks). */
lhrt_status_t lhrt_task_get_index(lhrt_ctx_t ctx, uint64_t *out);
lhrt_status_t lhrt_task_get_domain(lhrt_ctx_t ctx, lhrt_index_space_t *out);
lhrt_status_t lhrt_task_get_worker(lhrt_ctx_t ctx, int32_t *out);     /* -1 off the pool */
lhrt_status_t lhrt_task_get_region_count(lhrt_ctx_t ctx, uint32_t *out);
lhrt_status_t lhrt_task_get_region(lhrt_ctx_t ctx, uint32_t req, lhrt_region_t *out); /* this point's */
lhrt_status_t lhrt_task_get_future_count(lhrt_ctx_t ctx, uint32_t *out);
/* Copies future argument i's value (up to cap bytes); *size gets its full size. */
lhrt_status_t lhrt_task_get_future_value(lhrt_ctx_t ctx, uint32_t i, void *buf, uint64_t cap, uint64_t *size);
/* Native bodies: sets the task's result (copied; any size). */
lhrt_status_t lhrt_task_return(lhrt_ctx_t ctx, const void *value, uint64_t size);
/* Native bodies: marks the task failed with msg (copied); dependents fail without running. */
lhrt_status_t lhrt_task_fail(lhrt_ctx_t ctx, const char *msg);
/* External (JVM) tasks: ends the task with a result, or failed when msg != NULL. Any thread. */
lhrt_status_t lhrt_task_complete(lhrt_ctx_t ctx, const void *value, uint64_t size);
lhrt_status_t lhrt_task_complete_failed(lhrt_ctx_t ctx, const char *msg);

/* ------------------------------------------------------------- accessors ---- */
/* Affine view of one field: the address of point p is
 *   base + sum_i (p.x[i] - bounds.lo[i]) * stride[i]
 * valid for p inside bounds (the bounding box of the region) and inside the region. 112 bytes. */
typedef struct lhrt_accessor {
  void *base;               /* address of bounds.lo */
  int64_t stride[LHRT_MAX_DIM]; /* bytes per unit step in each dimension */
  lhrt_rect_t bounds;
  uint32_t field_id;
  uint32_t field_size;
  uint32_t privilege;       /* what the holder may do: READ_ONLY, READ_WRITE, WRITE_DISCARD, REDUCE */
  uint32_t redop;           /* for REDUCE: the operator (the view is a reduction buffer) */
  const void *space;        /* the impl of a borrowed lhrt_index_space_t: the region's points when
                             * they are not all of bounds (checked access tests them), NULL when
                             * they are; valid while the accessor is (its task or mapping) */
} lhrt_accessor_t;
lhrt_status_t lhrt_task_get_accessor(lhrt_ctx_t ctx, uint32_t req, uint32_t fid, lhrt_accessor_t *out);
/* The accessors of every field of requirement req at once (each names its field_id); *n = the
 * requirement's field count, of which min(*n, max) were written. */
lhrt_status_t lhrt_task_get_accessors(lhrt_ctx_t ctx, uint32_t req, lhrt_accessor_t *out, uint32_t max, uint32_t *n);
lhrt_status_t lhrt_mapping_get_accessor(lhrt_mapping_t m, uint32_t fid, lhrt_accessor_t *out);
/* A host-language body's first questions in one call (for callers that pay per call, as over
 * the HVM's ring): what lhrt_task_get_info says, then per region requirement this point's
 * region, its tree, index space and field space and the accessors of the requirement's fields
 * (none for NO_ACCESS), then a copy of the argument bytes. Written to buf (cap bytes, 8-aligned)
 * as a header followed by the parts at the offsets it names; *size gets the bytes needed, and
 * if that is more than cap nothing was written (call again with a larger buffer). */
typedef struct lhrt_task_snapshot {    /* 72 bytes */
  uint32_t task_id;
  uint32_t nregions;
  lhrt_point_t point;
  uint64_t index;                      /* the point's position in its launch (0: single task) */
  uint64_t arglen;
  uint64_t args_offset;                /* arglen bytes */
  uint64_t regions_offset;             /* nregions lhrt_task_snapshot_region_t */
} lhrt_task_snapshot_t;
typedef struct lhrt_task_snapshot_region {   /* 40 bytes */
  lhrt_region_t region;
  lhrt_index_space_t index_space;      /* borrowed, as from lhrt_region_get_info */
  lhrt_field_space_t field_space;
  uint32_t tree_id;
  uint32_t naccessors;                 /* one per field of the requirement, in slot order */
  uint64_t accessors_offset;           /* naccessors lhrt_accessor_t */
} lhrt_task_snapshot_region_t;
lhrt_status_t lhrt_task_get_snapshot(lhrt_ctx_t ctx, void *buf, uint64_t cap, uint64_t *size);
/* lhrt_runtime_poll_external for one task, with its snapshot (lhrt_task_get_snapshot) in buf
 * when it fits (*size: the bytes it needs; more than cap: ask lhrt_task_get_snapshot with a
 * larger buffer): a poller that pays per call gets a task and its first answers at once. */
lhrt_status_t lhrt_runtime_poll_external_snapshot(lhrt_runtime_t rt, int64_t timeout_ns, lhrt_ctx_t *task,
                                                  void *buf, uint64_t cap, uint64_t *size, uint32_t *n);
/* Checked access: the point must be in the region (bounds, then its points where the region is
 * sparse: a piece of a partition by field or by points) and the privilege must allow it. A REDUCE
 * accessor's buffer is written with lhrt_accessor_ptr and folded in at the task's end. */
lhrt_status_t lhrt_accessor_ptr(const lhrt_accessor_t *a, lhrt_point_t p, void **out);
lhrt_status_t lhrt_accessor_read(const lhrt_accessor_t *a, lhrt_point_t p, void *buf);
lhrt_status_t lhrt_accessor_write(const lhrt_accessor_t *a, lhrt_point_t p, const void *buf);
/* Unchecked fast path for C task bodies. */
static inline void *lhrt_accessor_at(const lhrt_accessor_t *a, int64_t x, int64_t y, int64_t z) {
  return (char *)a->base + (x - a->bounds.lo[0]) * a->stride[0] + (y - a->bounds.lo[1]) * a->stride[1] +
         (z - a->bounds.lo[2]) * a->stride[2];
}

/* ------------------------------------------------------------- launchers ---- */
/* Task launcher: caller owns *out (lhrt_task_launcher_destroy); reusable; args copied. */
lhrt_status_t lhrt_task_launcher_create(lhrt_runtime_t rt, uint32_t task_id, const void *args, uint64_t arglen,
                                        lhrt_task_launcher_t *out);
lhrt_status_t lhrt_task_launcher_destroy(lhrt_task_launcher_t l);
lhrt_status_t lhrt_task_launcher_set_args(lhrt_task_launcher_t l, const void *args, uint64_t arglen);
/* Adds a region requirement; its index goes to *out_req (may be NULL). redop only for REDUCE. */
lhrt_status_t lhrt_task_launcher_add_region(lhrt_task_launcher_t l, lhrt_region_t region, lhrt_region_t parent,
                                            uint32_t privilege, uint32_t coherence, uint32_t redop,
                                            uint32_t *out_req);
lhrt_status_t lhrt_task_launcher_add_field(lhrt_task_launcher_t l, uint32_t req, uint32_t fid);
/* A future argument: the task waits for it; the launcher keeps its own reference. */
lhrt_status_t lhrt_task_launcher_add_future(lhrt_task_launcher_t l, lhrt_future_t f);
lhrt_status_t lhrt_task_launcher_set_kind(lhrt_task_launcher_t l, uint32_t kind); /* preferred variant */
/* Launches. out (may be NULL): the task's future, owned by the caller. */
lhrt_status_t lhrt_task_launcher_execute(lhrt_ctx_t ctx, lhrt_task_launcher_t l, lhrt_future_t *out);

/* Index launcher over a launch domain (the launcher keeps its own reference). Caller owns *out. */
lhrt_status_t lhrt_index_launcher_create(lhrt_runtime_t rt, uint32_t task_id, lhrt_index_space_t domain,
                                         const void *args, uint64_t arglen, lhrt_index_launcher_t *out);
lhrt_status_t lhrt_index_launcher_destroy(lhrt_index_launcher_t l);
lhrt_status_t lhrt_index_launcher_set_args(lhrt_index_launcher_t l, const void *args, uint64_t arglen);
/* The same region for every point (READ_ONLY, REDUCE or SIMULTANEOUS for writes). */
lhrt_status_t lhrt_index_launcher_add_region(lhrt_index_launcher_t l, lhrt_region_t region, lhrt_region_t parent,
                                             uint32_t privilege, uint32_t coherence, uint32_t redop,
                                             uint32_t *out_req);
/* Point p gets subregion partition[projection(p)] (identity: color = p). */
lhrt_status_t lhrt_index_launcher_add_partition(lhrt_index_launcher_t l, lhrt_partition_t part,
                                                uint32_t projection, lhrt_region_t parent, uint32_t privilege,
                                                uint32_t coherence, uint32_t redop, uint32_t *out_req);
lhrt_status_t lhrt_index_launcher_add_field(lhrt_index_launcher_t l, uint32_t req, uint32_t fid);
lhrt_status_t lhrt_index_launcher_add_future(lhrt_index_launcher_t l, lhrt_future_t f);
lhrt_status_t lhrt_index_launcher_set_kind(lhrt_index_launcher_t l, uint32_t kind);
/* Launches every point. out (may be NULL): future map owned by the caller. */
lhrt_status_t lhrt_index_launcher_execute(lhrt_ctx_t ctx, lhrt_index_launcher_t l, lhrt_future_map_t *out);
/* Launches and folds the point results with redop (in point order) into one future (caller owns). */
lhrt_status_t lhrt_index_launcher_execute_reduce(lhrt_ctx_t ctx, lhrt_index_launcher_t l, uint32_t redop,
                                                 lhrt_future_t *out);
/* ------------------------------------------------------- one-call launches ---- */
/* A launcher described by value and launched in one call: the same as create, add_region (or
 * add_partition) + add_field for each requirement, add_future for each future, set_kind,
 * execute and destroy, and the same errors (the first failing step's). For callers to whom
 * every call is costly: the hrt backend pays one ring round trip per call. Every pointer is
 * read during the call only. The layouts are fixed (asserted in launch_desc.c): 56 bytes each. */
typedef struct {
  lhrt_region_t region;         /* the region; unused when partition.impl != NULL */
  lhrt_partition_t partition;   /* index launches: point p gets partition[projection(p)] */
  lhrt_region_t parent;
  uint32_t projection;          /* with partition (0 = identity) */
  uint32_t privilege, coherence, redop;
  uint32_t nfields, reserved;   /* reserved: 0 */
  const uint32_t *fields;
} lhrt_launch_req_t;

#define LHRT_KIND_ANY 0xffffffffu /* lhrt_launch_t.kind: no preferred variant */

typedef struct {
  uint32_t task_id;
  uint32_t kind;                /* preferred variant (lhrt_task_launcher_set_kind) or LHRT_KIND_ANY */
  const void *args;
  uint64_t arglen;
  lhrt_index_space_t domain;    /* index launches: the launch domain */
  uint32_t nreqs, nfutures;
  const lhrt_launch_req_t *reqs;
  const lhrt_future_t *futures;
} lhrt_launch_t;

/* A single task; out (may be NULL): its future, owned by the caller. */
lhrt_status_t lhrt_task_launch(lhrt_ctx_t ctx, const lhrt_launch_t *launch, lhrt_future_t *out);
/* An index launch; out (may be NULL): the future map, owned by the caller. */
lhrt_status_t lhrt_index_launch(lhrt_ctx_t ctx, const lhrt_launch_t *launch, lhrt_future_map_t *out);
/* An index launch whose point results fold with redop into one future (caller owns). */
lhrt_status_t lhrt_index_launch_reduce(lhrt_ctx_t ctx, const lhrt_launch_t *launch, uint32_t redop,
                                       lhrt_future_t *out);

/* Projection functor: writes the color for point p of a launch over domain bounds. 0 = ok. */
typedef int32_t (*lhrt_projection_fn)(const lhrt_point_t *p, const lhrt_rect_t *domain, lhrt_point_t *color,
                                      void *user);
lhrt_status_t lhrt_projection_register(lhrt_runtime_t rt, uint32_t id, lhrt_projection_fn fn, void *user);

/* --------------------------------------------------------------- futures ---- */
/* A ready future holding a copy of value. Caller owns *out. */
lhrt_status_t lhrt_future_from_value(lhrt_runtime_t rt, const void *value, uint64_t size, lhrt_future_t *out);
/* A second owned handle to the same value. */
lhrt_status_t lhrt_future_clone(lhrt_future_t f, lhrt_future_t *out);
lhrt_status_t lhrt_future_destroy(lhrt_future_t f);
/* Releases n futures at once (for callers that pay per call and batch their releases); every
 * handle is released, the first error is returned. */
lhrt_status_t lhrt_future_destroy_all(const lhrt_future_t *futures, uint64_t n);
/* Blocks (inside a task: without blocking the worker pool). LHRT_ERR_TASK_FAILED on failure. */
lhrt_status_t lhrt_future_wait(lhrt_future_t f);
lhrt_status_t lhrt_future_is_ready(lhrt_future_t f, int32_t *out);
/* Waits, then copies up to cap bytes; *size (may be NULL) gets the full size. */
lhrt_status_t lhrt_future_get_value(lhrt_future_t f, void *buf, uint64_t cap, uint64_t *size);
/* Waits, then points at the value (valid while f lives). */
lhrt_status_t lhrt_future_get_pointer(lhrt_future_t f, const void **ptr, uint64_t *size);
/* The failure message of a failed future (any thread; "" if it succeeded or is not ready):
 * copies up to cap-1 bytes and a NUL. */
lhrt_status_t lhrt_future_get_error(lhrt_future_t f, char *buf, uint64_t cap);
/* Calls fn(user, status) once the future is ready (at once if it is), on some thread. */
typedef void (*lhrt_future_callback_fn)(void *user, lhrt_status_t status);
lhrt_status_t lhrt_future_on_ready(lhrt_future_t f, lhrt_future_callback_fn fn, void *user);

lhrt_status_t lhrt_future_map_destroy(lhrt_future_map_t fm);
/* Releases n future maps at once (as lhrt_future_destroy_all). */
lhrt_status_t lhrt_future_map_destroy_all(const lhrt_future_map_t *fms, uint64_t n);
lhrt_status_t lhrt_future_map_wait_all(lhrt_future_map_t fm);
lhrt_status_t lhrt_future_map_get_count(lhrt_future_map_t fm, uint64_t *out);
/* The future of one point (by point or by index in domain order). Caller owns *out. */
lhrt_status_t lhrt_future_map_get_future(lhrt_future_map_t fm, lhrt_point_t p, lhrt_future_t *out);
lhrt_status_t lhrt_future_map_get_future_at(lhrt_future_map_t fm, uint64_t i, lhrt_future_t *out);
/* Waits for all points and folds their results with redop (point order). Caller owns *out. */
lhrt_status_t lhrt_future_map_reduce(lhrt_future_map_t fm, uint32_t redop, lhrt_future_t *out);

/* ---------------------------------------------------------------- mapper ---- */
typedef struct lhrt_task_info {      /* 56 bytes */
  uint32_t task_id; uint32_t kind;   /* kind: the variant kind chosen */
  uint64_t npoints;                  /* 1 for single tasks */
  int32_t launching_worker;          /* -1 if launched from a host thread */
  int32_t workers;
  lhrt_point_t point;                /* the point (single tasks: (0)) */
} lhrt_task_info_t;
typedef struct lhrt_layout { lhrt_memory_t memory; uint32_t layout; uint32_t pad; } lhrt_layout_t; /* 16 bytes */
typedef struct lhrt_slicing {        /* 16 bytes */
  uint64_t grain;        /* a worker runs at most this many points before splitting */
  int32_t spread;        /* 1 = deal initial slices to all workers, 0 = all to first_worker */
  int32_t first_worker;
} lhrt_slicing_t;
/* Mapper callbacks; a NULL callback means the default mapper's. Called on runtime threads. */
typedef struct lhrt_mapper {
  void *user;
  int32_t (*select_worker)(void *user, const lhrt_task_info_t *info);       /* worker index */
  uint32_t (*select_kind)(void *user, const lhrt_task_info_t *info, uint32_t available_mask);
  void (*choose_layout)(void *user, lhrt_region_t root, uint64_t field_mask, lhrt_layout_t *inout);
  void (*slice)(void *user, const lhrt_task_info_t *info, lhrt_slicing_t *inout);
} lhrt_mapper_t;
/* Installs a mapper (copied). */
lhrt_status_t lhrt_runtime_set_mapper(lhrt_runtime_t rt, const lhrt_mapper_t *m);

#ifdef __cplusplus
}
#endif
#endif /* LHRT_H */
