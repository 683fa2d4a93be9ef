/*
 * circuit.c: the native variants of the circuit's three time-step tasks, as lhrt task
 * functions. Same regions, same order and the same float arithmetic as the Java bodies
 * (CircuitTasks.java), so both backends compute the same circuit.
 */
#include <stdint.h>
#include "lhrt.h"

#define SEGS 10
#define DT 1e-6f

/* Field ids: CircuitFields.java. */
enum { NODE_CAP = 1, LEAKAGE = 2, CHARGE = 3, NODE_VOLTAGE = 4,
       CURRENT = 10, WIRE_VOLTAGE = 20, IN_PTR = 30, OUT_PTR = 31, IN_LOC = 32, OUT_LOC = 33,
       INDUCTANCE = 34, RESISTANCE = 35, WIRE_CAP = 36 };
enum { LOC_PRIVATE = 0, LOC_SHARED = 1, LOC_GHOST = 2 };

/* Task arguments: CircuitTasks.args(). */
struct circuit_args { int32_t steps, pieces, npp, wpp, pct, pad; int64_t seed; };

#define AT(acc, type, x) (*(type *)lhrt_accessor_at(&(acc), (x), 0, 0))

/* Fails the task with the runtime's message when a call fails; returns nonzero then. */
static int failed(lhrt_ctx_t ctx, lhrt_status_t st) {
  if (st == LHRT_OK) return 0;
  lhrt_task_fail(ctx, lhrt_last_error());
  return 1;
}

static int acc(lhrt_ctx_t ctx, uint32_t req, uint32_t fid, lhrt_accessor_t *out) {
  return failed(ctx, lhrt_task_get_accessor(ctx, req, fid, out));
}

/* Calls fn(x, env) for every point of requirement req's (possibly sparse) 1-D region. */
typedef void (*visit_fn)(int64_t x, void *env);
static int each_point(lhrt_ctx_t ctx, uint32_t req, visit_fn fn, void *env) {
  lhrt_region_t r;
  lhrt_index_space_t is;
  uint64_t n;
  if (failed(ctx, lhrt_task_get_region(ctx, req, &r)) || failed(ctx, lhrt_region_get_index_space(r, &is)) ||
      failed(ctx, lhrt_index_space_get_rect_count(is, &n)))
    return 1;
  for (uint64_t i = 0; i < n; i++) {
    lhrt_rect_t rect;
    if (failed(ctx, lhrt_index_space_get_rect(is, i, &rect))) return 1;
    for (int64_t x = rect.lo[0]; x <= rect.hi[0]; x++) fn(x, env);
  }
  return 0;
}

struct calc_env {
  int steps;
  lhrt_accessor_t cur[SEGS], vol[SEGS - 1], in, out, in_loc, out_loc, ind, res, cap, node_v[3];
};

static void calc_one(int64_t x, void *p) {
  struct calc_env *e = p;
  float v[SEGS + 1], i[SEGS], old_i[SEGS], old_v[SEGS - 1];
  for (int k = 0; k < SEGS; k++) i[k] = old_i[k] = AT(e->cur[k], float, x);
  for (int k = 0; k < SEGS - 1; k++) v[k + 1] = old_v[k] = AT(e->vol[k], float, x);
  v[0] = AT(e->node_v[AT(e->in_loc, int32_t, x)], float, AT(e->in, int64_t, x));
  v[SEGS] = AT(e->node_v[AT(e->out_loc, int32_t, x)], float, AT(e->out, int64_t, x));
  float l = AT(e->ind, float, x), recip_res = 1.0f / AT(e->res, float, x), recip_cap = 1.0f / AT(e->cap, float, x);
  float dt = DT, recip_dt = 1.0f / DT;
  for (int s = 0; s < e->steps; s++) {
    for (int k = 0; k < SEGS; k++) {
      float dv = v[k + 1] - v[k];
      float di = i[k] - old_i[k];
      i[k] = (dv - l * di * recip_dt) * recip_res;
    }
    for (int k = 0; k < SEGS - 1; k++) {
      float dq = dt * (i[k] - i[k + 1]);
      v[k + 1] = old_v[k] + dq * recip_cap;
    }
  }
  for (int k = 0; k < SEGS; k++) AT(e->cur[k], float, x) = i[k];
  for (int k = 0; k < SEGS - 1; k++) AT(e->vol[k], float, x) = v[k + 1];
}

/* Regions: 0 wires RW (currents, voltages), 1 wires RO (endpoints, locations, L, R, C),
 * 2/3/4 private/shared/ghost nodes RO (voltage). */
void circuit_calc_new_currents(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)user;
  if (arglen < sizeof(struct circuit_args)) { lhrt_task_fail(ctx, "circuit: short task arguments"); return; }
  struct calc_env e = {.steps = ((const struct circuit_args *)args)->steps};
  for (int k = 0; k < SEGS; k++) if (acc(ctx, 0, CURRENT + k, &e.cur[k])) return;
  for (int k = 0; k < SEGS - 1; k++) if (acc(ctx, 0, WIRE_VOLTAGE + k, &e.vol[k])) return;
  if (acc(ctx, 1, IN_PTR, &e.in) || acc(ctx, 1, OUT_PTR, &e.out) || acc(ctx, 1, IN_LOC, &e.in_loc) ||
      acc(ctx, 1, OUT_LOC, &e.out_loc) || acc(ctx, 1, INDUCTANCE, &e.ind) || acc(ctx, 1, RESISTANCE, &e.res) ||
      acc(ctx, 1, WIRE_CAP, &e.cap))
    return;
  for (int k = 0; k < 3; k++) if (acc(ctx, 2 + k, NODE_VOLTAGE, &e.node_v[k])) return;
  each_point(ctx, 0, calc_one, &e);
}

struct dist_env { lhrt_accessor_t in, out, in_loc, out_loc, first, last, charge[3]; };

/* Private charge is ours alone; shared and ghost go through reduction buffers (sum). */
static void deposit(struct dist_env *e, int32_t loc, int64_t node, float q) {
  AT(e->charge[loc], float, node) += q;
}

static void dist_one(int64_t x, void *p) {
  struct dist_env *e = p;
  deposit(e, AT(e->in_loc, int32_t, x), AT(e->in, int64_t, x), -DT * AT(e->first, float, x));
  deposit(e, AT(e->out_loc, int32_t, x), AT(e->out, int64_t, x), DT * AT(e->last, float, x));
}

/* Regions: 0 wires RO (endpoints, locations, first and last current), 1 private nodes RW
 * (charge), 2/3 shared/ghost nodes REDUCE sum (charge). */
void circuit_distribute_charge(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)args, (void)arglen, (void)user;
  struct dist_env e;
  if (acc(ctx, 0, IN_PTR, &e.in) || acc(ctx, 0, OUT_PTR, &e.out) || acc(ctx, 0, IN_LOC, &e.in_loc) ||
      acc(ctx, 0, OUT_LOC, &e.out_loc) || acc(ctx, 0, CURRENT, &e.first) || acc(ctx, 0, CURRENT + SEGS - 1, &e.last))
    return;
  for (int k = 0; k < 3; k++) if (acc(ctx, 1 + k, CHARGE, &e.charge[k])) return;
  each_point(ctx, 0, dist_one, &e);
}

struct upd_env { lhrt_accessor_t volt, charge, cap, leak; };

static void upd_one(int64_t n, void *p) {
  struct upd_env *e = p;
  float v = AT(e->volt, float, n) + AT(e->charge, float, n) / AT(e->cap, float, n);
  AT(e->volt, float, n) = v * (1.0f - AT(e->leak, float, n));
  AT(e->charge, float, n) = 0.0f;
}

/* Regions: 0/1 private/shared nodes RW (voltage, charge), 2/3 the same RO (capacitance, leakage). */
void circuit_update_voltages(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)args, (void)arglen, (void)user;
  for (uint32_t k = 0; k < 2; k++) {
    struct upd_env e;
    if (acc(ctx, k, NODE_VOLTAGE, &e.volt) || acc(ctx, k, CHARGE, &e.charge) || acc(ctx, k + 2, NODE_CAP, &e.cap) ||
        acc(ctx, k + 2, LEAKAGE, &e.leak) || each_point(ctx, k, upd_one, &e))
      return;
  }
}
