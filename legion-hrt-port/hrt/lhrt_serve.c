/*
 * The runtime's call server: the kernel test lhrt_serve (run only when named) registers the
 * functions of lhrt_hrt_call.h with the HVM call server, keeps CPU 0 for it (the runtime's
 * workers run on the other CPUs when there are any: scheduling is cooperative, and a busy
 * worker would otherwise hold up the ROS's calls) unless lhrt_share_cpu0=1 (the ROS asked for
 * no more cores than workers), and serves until the ROS sends STOP.
 * Short calls run on the server's thread; blocking ones each get a thread of their own.
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/mem.h>
#include <nk/string.h>
#include <nk/cmdline.h>
#include <nk/boot.h>
#include <nk/printk.h>
#include "depriv.h"
#include "hvm_services.h"
#include "lhrt.h"
#include "lhrt_hrt_call.h"
#include "../platform/plat.h"
#include "../src/internal.h"
#include "../platform/nautilus/nk_port.h"

void lhrt_hrt_abi_call(struct lhrt_hrt_frame *f);

static void call_frame(struct lhrt_hrt_frame *f) {
  lhrt_hrt_abi_call(f);
  if ((f->flags & LHRT_HRT_F_STATUS) && (uint32_t)f->rax) strncpy_z(f->err, lhrt_last_error(), sizeof f->err);
  else f->err[0] = 0;
}

static int fn_lookup(const uint64_t *a, uint64_t *r) {
  char err[8];
  *r = (uint64_t)(uintptr_t)plat_symbol_lookup(NULL, (const char *)(uintptr_t)a[0], err, sizeof err);
  return 0;
}

/* The server's own load (FN_INFO 5 and 6): the calls it ran on its thread, answered or posted,
 * and the cycles they took, so the ROS can tell a busy server from a slow host. Atomic: with
 * hvm_servers > 1 several servers count. */
static uint64_t served_calls, served_cycles;

/* Runs the frame of a[0] on the server's thread, counted in its load; NULL: no frame. */
static struct lhrt_hrt_frame *serve_frame(const uint64_t *a) {
  struct lhrt_hrt_frame *f = (struct lhrt_hrt_frame *)(uintptr_t)a[0];
  if (!f || !f->fn) return NULL;
  uint64_t t0 = arch_cycles();
  call_frame(f);
  __atomic_add_fetch(&served_calls, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&served_cycles, arch_cycles() - t0, __ATOMIC_RELAXED);
  return f;
}

static int fn_call(const uint64_t *a, uint64_t *r) {
  struct lhrt_hrt_frame *f = serve_frame(a);
  if (!f) return 1;
  *r = f->rax;
  return 0;
}

/* A posted call: nobody waits on the ring, so the frame says when it ran (results first). */
static int fn_call_posted(const uint64_t *a, uint64_t *r) {
  struct lhrt_hrt_frame *f = serve_frame(a);
  if (!f) return 1;
  __atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
  *r = 0;
  return 0;
}

/* Results first, then done, then (Dekker with the JVM thread, which sets notify before its
 * last look at done) the completion notice to a JVM thread that went to sleep: through the
 * synchronous exit, served on this vCPU's own host thread, so the JVM needs no thread
 * polling the request ring for it. */
static void async_finish(struct lhrt_hrt_frame *f) {
  __atomic_store_n(&f->done, 1, __ATOMIC_SEQ_CST);
  uint32_t h = __atomic_load_n(&f->notify, __ATOMIC_SEQ_CST);
  uint64_t arg = (uint64_t)(uintptr_t)f, r;
  if (h) hvm_ros_call_sync(h, &arg, 1, &r);
}

static void async_body(void *p) {
  struct lhrt_hrt_frame *f = p;
  call_frame(f);
  async_finish(f);
}

static void *async_thread(void *p) {
  if (nkp_run_on_big_stack(async_body, p) < 0) {
    struct lhrt_hrt_frame *f = p;
    strncpy_z(f->err, "HRT out of memory for a call's stack", sizeof f->err);
    f->rax = LHRT_ERR_NO_MEMORY;
    async_finish(f);
  }
  return NULL;
}

static int fn_call_async(const uint64_t *a, uint64_t *r) {
  struct lhrt_hrt_frame *f = (struct lhrt_hrt_frame *)(uintptr_t)a[0];
  if (!f || !f->fn) return 1;
  f->done = 0;
  *r = 0;
  return nk_thread_create(async_thread, f, nkp_cpu_for(-1), NK_THREAD_DETACHED) ? 0 : 2;
}

/* A call that blocks until future a[1] is ready, run here at once when it already is (*r = 1,
 * results in the frame); else *r = 0 and nothing ran: the JVM then sends it through
 * CALL_ASYNC. One round trip for the common case instead of a readiness check and the call. */
static int fn_call_if_ready(const uint64_t *a, uint64_t *r) {
  struct lhrt_hrt_frame *f = (struct lhrt_hrt_frame *)(uintptr_t)a[0];
  if (!f || !f->fn) return 1;
  int32_t ready = 0;
  lhrt_future_t fut = {(void *)(uintptr_t)a[1]};
  if (lhrt_future_is_ready(fut, &ready) || !ready) {
    *r = 0;
    return 0;
  }
  call_frame(f);
  *r = 1;
  return 0;
}

/*
 * Hung native tasks: the VMM's watchdog finds a CPU that one thread keeps (the kernel
 * publishes each CPU's switch count) and asks here what that CPU runs, to name it.
 */

/* "name (point i)" of the task CPU c runs, or NULL. c is stuck: its thread cannot exit while
 * we look, and every pointer followed is kernel heap, mapped even if it went stale. */
static const char *task_on_cpu(uint64_t c) {
  static char name[LHRT_HRT_ERR_MAX];
  struct nk_cpu *p = c < (uint64_t)nk_cpu_count() ? nk_cpus[c] : NULL;
  struct nk_thread *t = p ? __atomic_load_n(&p->cur, __ATOMIC_RELAXED) : NULL;
  struct thr *th = t && t != p->idle ? nkp_tls_of(t) : NULL;
  struct task *k = th ? __atomic_load_n(&th->cur, __ATOMIC_RELAXED) : NULL;
  if (!k || !k->l) return NULL;
  nk_snprintf(name, sizeof name, "%s (point %lu)", k->l->def ? k->l->def->name : "an operation", (unsigned long)k->index);
  return name;
}

static int fn_info(const uint64_t *a, uint64_t *r) {
  switch (a[0]) {
  case 0: *r = (uint64_t)plat_cpu_count(); return 0;
  case 1: *r = (uint64_t)nk_cpu_count(); return 0;
  case 2: *r = mem_free_bytes(); return 0;
  case 4: *r = (uint64_t)(uintptr_t)task_on_cpu(a[1]); return 0;
  case 5: *r = __atomic_load_n(&served_calls, __ATOMIC_RELAXED); return 0;
  case 6: *r = __atomic_load_n(&served_cycles, __ATOMIC_RELAXED) / (arch_tsc_hz() / 1000000) * 1000; return 0;  /* ns */
  default: return 1;
  }
}

/* Callback proxies: the JVM passes their addresses where the C API takes a function. */
void lhrt_hrt_external(void *host, lhrt_ctx_t task, uint32_t task_id, void *variant_user) {
  uint64_t args[3] = {(uint64_t)(uintptr_t)task.impl, task_id, (uint64_t)(uintptr_t)variant_user}, r;
  if (hvm_ros_call((uint32_t)(uintptr_t)host, args, 3, &r))
    lhrt_task_complete_failed(task, "the JVM did not accept the task (its request handler failed)");
}

void lhrt_hrt_ros_notify(void *user, lhrt_status_t status) {
  uint64_t u = (uint64_t)(uintptr_t)user, args[2] = {u & 0xffffffffffffull, (uint64_t)status}, r;
  hvm_ros_call((uint32_t)(u >> 48), args, 2, &r);
}

/* What the JVM registers as the function of a JVM variant (lhrt_task_register needs one):
 * JVM variants go to the external executor, so this runs only if a CPU variant was meant. */
void lhrt_hrt_jvm_variant(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  (void)args; (void)len; (void)user;
  lhrt_task_fail(ctx, "a JVM variant was run as a native task in the HRT");
}

/* The HRT's dlopen for the ROS: the JVM reads a native variant's shared library and hands its
 * bytes over (in the merged region) before registering variants from it; the variants are then
 * found by symbol in that module, as dlsym finds them on Linux. */
lhrt_status_t lhrt_hrt_module_load(const char *library, const void *elf, uint64_t len) {
  char err[LHRT_HRT_ERR_MAX];
  if (nkp_module_load(library, elf, len, err, sizeof err)) return lhrt_err(LHRT_ERR_INVALID_ARG, "%s", err);
  return LHRT_OK;
}

/* Where module `library` was placed (its load bias; 0: not loaded): the ROS maps a failing rip
 * to a function of the module with it. */
uint64_t lhrt_hrt_module_bias(const char *library) { return nkp_module_bias(library); }

static void serve(void *p) {
  *(int *)p = hvm_call_serve();
}

NK_CMDLINE_KEY(lhrt_share_cpu0, "1: runtime workers may use the call server's CPU 0");

NK_TEST(lhrt_serve, 0)
{
  char v[8];
  int shared = cmdline_get(nk_boot_params->cmdline, "lhrt_share_cpu0", v, sizeof v) && !strcmp(v, "1");
  if (nk_cpu_count() > 1 && !shared) nkp_reserved_cpus = 1;
  NK_CHECK(!hvm_call_register(LHRT_HRT_FN_LOOKUP, fn_lookup) && !hvm_call_register(LHRT_HRT_FN_CALL, fn_call) &&
           !hvm_call_register(LHRT_HRT_FN_CALL_ASYNC, fn_call_async) && !hvm_call_register(LHRT_HRT_FN_INFO, fn_info) &&
           !hvm_call_register(LHRT_HRT_FN_CALL_POSTED, fn_call_posted) &&
           !hvm_call_register(LHRT_HRT_FN_CALL_IF_READY, fn_call_if_ready),
           "call ids %d..%d already taken", LHRT_HRT_FN_LOOKUP, LHRT_HRT_FN_CALL_IF_READY);
  int rc = -1;
  NK_CHECK(nkp_run_on_big_stack(serve, &rc) == 0, "no memory for the server's stack");
  return rc;
}
