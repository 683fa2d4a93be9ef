/*
 * The HRT side of Java callbacks (upcall.h): one proxy per C callback type of lhrt.h. Each
 * makes its pointer arguments visible to the JVM (the merged region is; the runtime's own
 * buffers and stacks are HRT-private, so those go through a bounce buffer), asks the ROS
 * handler with the JVM slot its `user` names, and copies results back.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/string.h>
#include <nk/printk.h>
#include <nk/atomic.h>
#include <nk/arch.h>
#include "depriv.h"
#include "hvm_services.h"
#include "lhrt.h"
#include "upcall.h"

static struct {
  uint32_t handler, nbufs;
  uint64_t bufsize;
  uint64_t burst;           /* cycles: a request this soon after the last one goes by the ring */
  uint8_t *base;
  volatile uint64_t used;   /* bounce buffers taken, one bit each */
} up;

int32_t lhrt_hrt_upcall_setup(uint32_t handler, uint64_t pool, uint32_t nbufs, uint64_t bufsize, uint64_t burst_ns) {
  if (!handler || !nbufs || nbufs > 64 || bufsize < 1024) return -1;
  up.burst = nk_ns_to_cycles(burst_ns);
  up.base = (uint8_t *)(uintptr_t)pool;
  up.nbufs = nbufs;
  up.bufsize = bufsize;
  __atomic_store_n(&up.handler, handler, __ATOMIC_RELEASE);
  return 0;
}

static int in_merged(const void *p, uint64_t n) {
  uint64_t a = (uint64_t)(uintptr_t)p, b = depriv_bi->merged_base;
  return a >= b && n <= depriv_bi->merged_size && a - b <= depriv_bi->merged_size - n;
}

/* A bounce buffer of its own (waiting, yielding to this CPU's threads, while all are taken). */
static uint8_t *take(int *idx) {
  uint64_t all = up.nbufs == 64 ? ~0ull : (1ull << up.nbufs) - 1;
  for (;;) {
    uint64_t u = __atomic_load_n(&up.used, __ATOMIC_ACQUIRE), free = ~u & all;
    if (!free) {
      nk_relax();
      continue;
    }
    int i = __builtin_ctzll(free);
    if (__atomic_compare_exchange_n(&up.used, &u, u | 1ull << i, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      *idx = i;
      return up.base + (uint64_t)i * up.bufsize;
    }
  }
}

static void give(int idx) {
  __atomic_fetch_and(&up.used, ~(1ull << idx), __ATOMIC_RELEASE);
}

/*
 * A request through the ring even when the JVM's request threads are parked: post, wake them
 * (one exit), wait polling. hvm_ros_call would take the synchronous exit instead, the cheaper
 * choice for a lone request but an exit for every one of a burst (a reduction folding point
 * results one by one, a projection per point), where one wake lets the woken thread, which
 * spins between requests, serve the rest without exits. The ring protocol of hvm_comm.h.
 */
static int ring_call(uint32_t fn, const uint64_t *args, uint64_t *result) {
  struct hvm_comm *comm = hvm_comm;
  uint64_t t = nk_fetch_add(&comm->req_head, 1);
  struct hvm_slot *s = &comm->req[t % HVM_REQ_NSLOTS];
  uint64_t lap = t / HVM_REQ_NSLOTS;
  while (nk_load(&s->seq) != 4 * lap) nk_relax();
  s->fn = fn;
  s->flags = 0;
  for (int i = 0; i < HVM_MAX_ARGS; i++) s->args[i] = args[i];
  nk_store(&s->seq, 4 * lap + HVM_SLOT_POSTED);
  nk_mb(); /* pairs with the JVM thread's fence after it counts itself parked */
  if (nk_load(&comm->req_ros_parked)) hvm_outl(HVM_PORT_ROS_WAKE, 0);
  while (nk_load(&s->seq) != 4 * lap + HVM_SLOT_DONE) nk_relax();
  *result = s->result;
  int status = (int)s->status;
  nk_store(&s->seq, 4 * (lap + 1));
  return status;
}

static volatile uint64_t last_end;

/* One request to the JVM; returns the hvm status (0 = the callback ran, *r its result). A
 * request less than up.burst after the previous one is taken as part of a burst. */
static int ros(uint32_t slot, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *r) {
  uint32_t h = __atomic_load_n(&up.handler, __ATOMIC_ACQUIRE);
  if (!h) return HVM_STATUS_NO_FUNCTION;
  uint64_t args[4] = {slot | (uint64_t)my_cpu_id() << 32, a1, a2, a3};
  int st = arch_cycles() - nk_load(&last_end) < up.burst ? ring_call(h, args, r) : hvm_ros_call(h, args, 4, r);
  nk_store(&last_end, arch_cycles());
  return st;
}

/* Small arguments (structs of the callback types) packed into one bounce buffer. */
struct bounce { uint8_t *buf; int idx; uint64_t used; };

static void *visible(struct bounce *b, const void *p, uint64_t n) {
  if (!p || in_merged(p, n)) return (void *)p;
  if (!b->buf) b->buf = take(&b->idx);
  void *d = b->buf + b->used;
  b->used += (n + 15) & ~15ull;
  memcpy(d, p, n);
  return d;
}

static void back(void *dst, const void *vis, uint64_t n) {
  if (dst != vis) memcpy(dst, vis, n);
}

static void done(struct bounce *b) {
  if (b->buf) give(b->idx);
}

/* ---------------------------------------------------------------- reductions ---- */

/* A Java callback threw: `tag` names the exception, which the Java API turns back into the
 * cause of the failure this becomes (lhrt_callback_fail). */
static void java_threw(const char *what, uint64_t tag) {
  char msg[96];
  nk_snprintf(msg, sizeof msg, "a Java %s threw [java-exception:%lu]", what, (unsigned long)tag);
  lhrt_callback_fail(msg);
}

/* lhs[i] op= rhs[i] in chunks that fit half a bounce buffer each (zero copy when both are
 * in the merged region: instances are). */
static void redop(const struct lhrt_hrt_upcall_desc *d, uint32_t slot, void *lhs, const void *rhs, uint64_t count) {
  uint64_t es = d->elem_size, r;
  if (in_merged(lhs, es * count) && in_merged(rhs, es * count)) {
    if (ros(slot, (uintptr_t)lhs, (uintptr_t)rhs, count, &r))
      printk("lhrt upcall: reduction slot %u did not run in the JVM; lhs left unchanged\n", slot);
    else if (r)
      java_threw("reduction operator", r);
    return;
  }
  uint64_t per = up.bufsize / 2 / (es ? es : 1);
  if (!per) {
    printk("lhrt upcall: reduction elements of %lu bytes exceed the bounce buffers\n", es);
    return;
  }
  int idx;
  uint8_t *buf = take(&idx);
  for (uint64_t i = 0; i < count; i += per) {
    uint64_t n = count - i < per ? count - i : per, bytes = n * es;
    uint8_t *l = (uint8_t *)lhs + i * es;
    const uint8_t *s = (const uint8_t *)rhs + i * es;
    uint8_t *lv = in_merged(l, bytes) ? l : buf;
    const uint8_t *sv = in_merged(s, bytes) ? s : buf + up.bufsize / 2;
    if (lv != l) memcpy(lv, l, bytes);
    if (sv != s) memcpy((void *)sv, s, bytes);
    if (ros(slot, (uintptr_t)lv, (uintptr_t)sv, n, &r)) {
      printk("lhrt upcall: reduction slot %u did not run in the JVM; lhs left unchanged\n", slot);
      break;
    }
    if (r) {
      java_threw("reduction operator", r);
      break;
    }
    if (lv != l) memcpy(l, lv, bytes);
  }
  give(idx);
}

void lhrt_hrt_up_apply(void *lhs, const void *rhs, uint64_t count, void *user) {
  const struct lhrt_hrt_upcall_desc *d = user;
  redop(d, d->slot[0], lhs, rhs, count);
}

void lhrt_hrt_up_fold(void *lhs, const void *rhs, uint64_t count, void *user) {
  const struct lhrt_hrt_upcall_desc *d = user;
  redop(d, d->slot[1], lhs, rhs, count);
}

/* --------------------------------------------------------------- projections ---- */

int32_t lhrt_hrt_up_project(const lhrt_point_t *p, const lhrt_rect_t *domain, lhrt_point_t *color, void *user) {
  const struct lhrt_hrt_upcall_desc *d = user;
  struct bounce b = {0};
  const void *pv = visible(&b, p, sizeof *p), *dv = visible(&b, domain, sizeof *domain);
  lhrt_point_t *cv = visible(&b, color, sizeof *color);
  uint64_t r = 1;
  int st = ros(d->slot[0], (uintptr_t)pv, (uintptr_t)dv, (uintptr_t)cv, &r);
  back(color, cv, sizeof *color);
  done(&b);
  if (!st && r > 1) { /* the functor threw: r is its exception's tag << 1 | 1 */
    java_threw("projection functor", r >> 1);
    return 1;
  }
  return st ? 1 : (int32_t)r;
}

/* -------------------------------------------------------------------- mapper ---- */

int32_t lhrt_hrt_up_worker(void *user, const lhrt_task_info_t *info) {
  const struct lhrt_hrt_upcall_desc *d = user;
  struct bounce b = {0};
  uint64_t r;
  int st = ros(d->slot[0], (uintptr_t)visible(&b, info, sizeof *info), 0, 0, &r);
  done(&b);
  return st ? -1 : (int32_t)r;
}

uint32_t lhrt_hrt_up_kind(void *user, const lhrt_task_info_t *info, uint32_t mask) {
  const struct lhrt_hrt_upcall_desc *d = user;
  struct bounce b = {0};
  uint64_t r;
  int st = ros(d->slot[1], (uintptr_t)visible(&b, info, sizeof *info), mask, 0, &r);
  done(&b);
  return st ? ~0u : (uint32_t)r;
}

/* The root's tree id rides after the layout: the JVM's mapper bridge asks for it, and that
 * answer must not need a call the waiting call server would have to serve. */
void lhrt_hrt_up_layout(void *user, lhrt_region_t root, uint64_t mask, lhrt_layout_t *inout) {
  const struct lhrt_hrt_upcall_desc *d = user;
  int idx;
  uint8_t *buf = take(&idx);
  uint32_t tree = 0;
  lhrt_region_get_tree_id(root, &tree);
  memcpy(buf, inout, sizeof *inout);
  memcpy(buf + sizeof *inout, &tree, sizeof tree);
  uint64_t r;
  if (!ros(d->slot[2], (uintptr_t)root.impl, mask, (uintptr_t)buf, &r)) memcpy(inout, buf, sizeof *inout);
  give(idx);
}

void lhrt_hrt_up_slice(void *user, const lhrt_task_info_t *info, lhrt_slicing_t *inout) {
  const struct lhrt_hrt_upcall_desc *d = user;
  struct bounce b = {0};
  const void *iv = visible(&b, info, sizeof *info);
  lhrt_slicing_t *ov = visible(&b, inout, sizeof *inout);
  uint64_t r;
  if (!ros(d->slot[3], (uintptr_t)iv, (uintptr_t)ov, 0, &r)) back(inout, ov, sizeof *inout);
  done(&b);
}

/* ------------------------------------------------- futures, external executor ---- */

void lhrt_hrt_up_ready(void *user, lhrt_status_t status) {
  uint64_t r;
  if (ros((uint32_t)(uintptr_t)user, (uint64_t)(uint32_t)status, 0, 0, &r))
    printk("lhrt upcall: future callback slot %u did not run in the JVM\n", (uint32_t)(uintptr_t)user);
}

void lhrt_hrt_up_external(void *host, lhrt_ctx_t task, uint32_t task_id, void *variant_user) {
  uint64_t r;
  if (ros((uint32_t)(uintptr_t)host, (uintptr_t)task.impl, task_id, (uintptr_t)variant_user, &r))
    lhrt_task_complete_failed(task, "the JVM did not accept the task (its upcall failed)");
}
