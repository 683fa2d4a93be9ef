/*
 * Reduction operators: sum, product, min and max over int32, int64, float and double are
 * built in (ids LHRT_REDOP(op, type)); user operators are registered with an identity and
 * element-wise apply/fold functions (which may be host upcalls).
 */
#include "internal.h"

/* Integer sums and products wrap (two's complement, as in Java): they are computed in the
 * unsigned type U, since a signed overflow is undefined in C. */
#define DEF_OPS(T, U, NAME)                                                                          \
  static void sum_##NAME(void *l, const void *r, uint64_t n, void *u) {                              \
    T *a = l; const T *b = r; (void)u; for (uint64_t i = 0; i < n; i++) a[i] = (T)((U)a[i] + (U)b[i]); \
  }                                                                                                  \
  static void prod_##NAME(void *l, const void *r, uint64_t n, void *u) {                             \
    T *a = l; const T *b = r; (void)u; for (uint64_t i = 0; i < n; i++) a[i] = (T)((U)a[i] * (U)b[i]); \
  }                                                                                                  \
  static void min_##NAME(void *l, const void *r, uint64_t n, void *u) {                              \
    T *a = l; const T *b = r; (void)u; for (uint64_t i = 0; i < n; i++) if (b[i] < a[i]) a[i] = b[i]; \
  }                                                                                                  \
  static void max_##NAME(void *l, const void *r, uint64_t n, void *u) {                              \
    T *a = l; const T *b = r; (void)u; for (uint64_t i = 0; i < n; i++) if (b[i] > a[i]) a[i] = b[i]; \
  }

DEF_OPS(int32_t, uint32_t, i32)
DEF_OPS(int64_t, uint64_t, i64)
DEF_OPS(float, float, f32)
DEF_OPS(double, double, f64)

static struct redop builtins[16];
static uint32_t builtins_ready;

static void set_builtin(uint32_t op, uint32_t type, uint32_t size, lhrt_redop_fn fn, const void *id) {
  struct redop *r = &builtins[op * 4 + type];
  r->id = LHRT_REDOP(op, type);
  r->size = size;
  r->apply = r->fold = fn;
  u_memcpy(r->identity, id, size);
}

static void init_builtins(void) {
  int32_t i0 = 0, i1 = 1, imin = INT32_MIN, imax = INT32_MAX;
  int64_t l0 = 0, l1 = 1, lmin = INT64_MIN, lmax = INT64_MAX;
  float f0 = 0, f1 = 1, finf = __builtin_inff(), fninf = -__builtin_inff();
  double d0 = 0, d1 = 1, dinf = __builtin_inf(), dninf = -__builtin_inf();
  set_builtin(LHRT_RED_SUM, LHRT_TYPE_INT32, 4, sum_i32, &i0);
  set_builtin(LHRT_RED_PROD, LHRT_TYPE_INT32, 4, prod_i32, &i1);
  set_builtin(LHRT_RED_MIN, LHRT_TYPE_INT32, 4, min_i32, &imax);
  set_builtin(LHRT_RED_MAX, LHRT_TYPE_INT32, 4, max_i32, &imin);
  set_builtin(LHRT_RED_SUM, LHRT_TYPE_INT64, 8, sum_i64, &l0);
  set_builtin(LHRT_RED_PROD, LHRT_TYPE_INT64, 8, prod_i64, &l1);
  set_builtin(LHRT_RED_MIN, LHRT_TYPE_INT64, 8, min_i64, &lmax);
  set_builtin(LHRT_RED_MAX, LHRT_TYPE_INT64, 8, max_i64, &lmin);
  set_builtin(LHRT_RED_SUM, LHRT_TYPE_FLOAT, 4, sum_f32, &f0);
  set_builtin(LHRT_RED_PROD, LHRT_TYPE_FLOAT, 4, prod_f32, &f1);
  set_builtin(LHRT_RED_MIN, LHRT_TYPE_FLOAT, 4, min_f32, &finf);
  set_builtin(LHRT_RED_MAX, LHRT_TYPE_FLOAT, 4, max_f32, &fninf);
  set_builtin(LHRT_RED_SUM, LHRT_TYPE_DOUBLE, 8, sum_f64, &d0);
  set_builtin(LHRT_RED_PROD, LHRT_TYPE_DOUBLE, 8, prod_f64, &d1);
  set_builtin(LHRT_RED_MIN, LHRT_TYPE_DOUBLE, 8, min_f64, &dinf);
  set_builtin(LHRT_RED_MAX, LHRT_TYPE_DOUBLE, 8, max_f64, &dninf);
}

/* Called by lhrt_runtime_create before any worker exists. */
void redop_init(void) {
  static spin_t lock;
  spin_lock(&lock);
  if (!builtins_ready) init_builtins();
  builtins_ready = 1;
  spin_unlock(&lock);
}

struct redop *redop_lookup(struct lhrt_runtime *rt, uint32_t id) {
  if (id >= 1 && id <= 16) return &builtins[id - 1];
  for (struct redop *r = A_LOAD(&rt->redops[id % HASH_BUCKETS]); r; r = r->next)
    if (r->id == id) return r;
  return NULL;
}

void redop_free_all(struct lhrt_runtime *rt) {
  for (int b = 0; b < HASH_BUCKETS; b++) {
    while (rt->redops[b]) {
      struct redop *r = rt->redops[b];
      rt->redops[b] = r->next;
      plat_free(r);
    }
  }
}

lhrt_status_t lhrt_redop_register(lhrt_runtime_t h, uint32_t id, uint32_t size, const void *identity,
                                  lhrt_redop_fn apply, lhrt_redop_fn fold, void *user) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(identity);
  NEED(apply);
  NEED(fold);
  if (id < LHRT_REDOP_USER) return lhrt_err(LHRT_ERR_INVALID_ARG, "user reduction ids start at %u", LHRT_REDOP_USER);
  if (size < 1 || size > 64) return lhrt_err(LHRT_ERR_INVALID_ARG, "reduction element size %u not in 1..64", size);
  struct redop *r = plat_zalloc(sizeof *r);
  if (!r) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  r->id = id;
  r->size = size;
  u_memcpy(r->identity, identity, size);
  r->apply = apply;
  r->fold = fold;
  r->user = user;
  spin_lock(&rt->reglock);
  bool dup = redop_lookup(rt, id) != NULL;
  if (!dup) {
    r->next = rt->redops[id % HASH_BUCKETS];
    A_STORE(&rt->redops[id % HASH_BUCKETS], r);
  }
  spin_unlock(&rt->reglock);
  if (dup) { plat_free(r); return lhrt_err(LHRT_ERR_INVALID_ARG, "reduction operator %u already registered", id); }
  return LHRT_OK;
}

lhrt_status_t lhrt_redop_get_size(lhrt_runtime_t h, uint32_t id, uint32_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  struct redop *r = redop_lookup(rt, id);
  if (!r) return lhrt_err(LHRT_ERR_REDOP, "reduction operator %u is not registered", id);
  *out = r->size;
  return LHRT_OK;
}
