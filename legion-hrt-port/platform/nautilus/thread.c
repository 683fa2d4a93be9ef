/*
 * Nautilus port, threads: aerokernel threads bound to HRT CPUs, each running its body on a
 * 1 MiB stack of its own (the kernel's are 16 KiB): a guarded one where our VMM gave them
 * (an overflow faults at once), else one from the heap with a guard band at its deep end
 * that the runtime checks (plat_stack_check), spread over the CPUs that are not
 * reserved (a call server may keep CPU 0 for itself), and one pointer of thread-local
 * storage kept in a slot just past the kernel's thread descriptor, tagged with the
 * thread's id so a recycled descriptor never shows the previous owner's value.
 */
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/mem.h>
#include <nk/stacks.h>
#include <nk/printk.h>
#include "../plat.h"
#include "nk_port.h"

#define STACK_CANARY 0x4b43415453504b4eull

struct plat_thread {
  struct nk_thread *nk;
  void (*fn)(void *);
  void *arg;
  char *stack;
};

struct tls_slot {
  uint64_t owner;          /* nk_thread id the value belongs to */
  void *value;
  char *stack;             /* the thread's big stack (its guard band: plat_stack_check), or NULL */
};

static void (*tls_dtor)(void *);
int nkp_reserved_cpus;
static uint32_t next_cpu;

/* The slot sits in the descriptor's 16 KiB block, at the far end of its stack: runtime
 * threads use that stack only for the trampoline, others (the kernel's main thread) only
 * near-overflow. Idle threads (id 0) live in a static array and have no slot. */
static struct tls_slot *tls_slot(struct nk_thread *t) {
  if (!t || t->id == 0) return NULL;
  size_t off = (sizeof *t + 15) & ~(size_t)15;
  return (struct tls_slot *)((char *)t + off);
}

int plat_tls_init(void (*dtor)(void *)) {
  tls_dtor = dtor;
  return 0;
}

void *nkp_tls_of(struct nk_thread *t) {
  struct tls_slot *s = tls_slot(t);
  return s && s->owner == t->id ? s->value : NULL;
}

void *plat_tls_get(void) { return nkp_tls_of(nk_thread_self()); }

void plat_tls_set(void *v) {
  struct nk_thread *t = nk_thread_self();
  struct tls_slot *s = tls_slot(t);
  if (!s) return;
  if (s->owner != t->id) s->stack = NULL;   /* a recycled descriptor's, not this thread's */
  s->owner = t->id;
  s->value = v;
}

void nkp_tls_exit(void) {
  struct nk_thread *t = nk_thread_self();
  struct tls_slot *s = tls_slot(t);
  if (!s || s->owner != t->id) return;
  void *v = s->value;
  s->value = NULL;
  s->owner = 0;
  if (v && tls_dtor) tls_dtor(v);
}

_Static_assert(NK_GUARDED_STACK_SIZE == NKP_STACK_SIZE, "a guarded stack replaces a heap one");

static char *stack_alloc(void) {
  char *g = nk_stack_guarded_alloc();
  if (g) return g;
  uint64_t *s = mem_alloc_pages(NKP_STACK_ORDER, -1);
  for (uint64_t i = 0; s && i < NKP_STACK_GUARD / 8; i++) s[i] = STACK_CANARY;   /* the guard band */
  return (char *)s;
}

/* Whether the guard band still holds its pattern: all of it (idle moments, stack free), or only
 * its top cache line, next to the usable stack, which a contiguous overflow writes first (after
 * every slice of tasks, where a few loads are all it may cost). A deep recursion that writes
 * only parts of its frames can skip that line: the thorough check finds it later. */
static int guard_intact(const char *stack, int thorough) {
  if (nk_stack_guarded_owns(stack)) return 1;   /* its guard is an unmapped page: it faulted already */
  const uint64_t *g = (const uint64_t *)stack;
  for (uint64_t i = thorough ? 0 : NKP_STACK_GUARD / 8 - 8; i < NKP_STACK_GUARD / 8; i++)
    if (g[i] != STACK_CANARY) return 0;
  return 1;
}

static void stack_release(char *s) {
  if (nk_stack_guarded_owns(s)) nk_stack_guarded_free(s);
  else mem_free_pages(s);
}

static void stack_free(char *s) {
  if (!guard_intact(s, 1)) panic("lhrt: a runtime thread overflowed its %lu KiB stack", NKP_STACK_SIZE >> 10);
  stack_release(s);
}

void plat_stack_check(const char *name, int thorough) {
  struct nk_thread *t = nk_thread_self();
  struct tls_slot *s = tls_slot(t);
  if (s && s->owner == t->id && s->stack && !guard_intact(s->stack, thorough))
    panic("lhrt: task %s overflowed its runtime thread's %lu KiB stack (the memory below it may be damaged): "
          "give it less stack (large local arrays: allocate them in a region or with malloc)",
          name, (NKP_STACK_SIZE - NKP_STACK_GUARD) >> 10);
}

int nkp_run_on_big_stack(void (*fn)(void *), void *arg) {
  char *s = stack_alloc();
  if (!s) return -1;
  nkp_call_on_stack(fn, arg, s + NKP_STACK_SIZE);
  stack_free(s);
  return 0;
}

static void body(void *p) {
  struct plat_thread *t = p;
  t->fn(t->arg);
  nkp_tls_exit();
}

static void *trampoline(void *p) {
  struct plat_thread *t = p;
  struct nk_thread *me = nk_thread_self();
  struct tls_slot *s = tls_slot(me);
  if (s) {                                  /* claim the slot: a recycled descriptor's is stale */
    s->owner = me->id;
    s->value = NULL;
    s->stack = t->stack;
  }
  nkp_call_on_stack(body, t, t->stack + NKP_STACK_SIZE);
  if (s) s->stack = NULL;
  return NULL;
}

int plat_thread_create(plat_thread_t **out, void (*fn)(void *), void *arg, int core) {
  struct plat_thread *t = kmem_zalloc(sizeof *t);
  if (!t) return -1;
  t->fn = fn;
  t->arg = arg;
  t->stack = stack_alloc();
  int cpu = nkp_cpu_for(core);
  if (t->stack) t->nk = nk_thread_create(trampoline, t, cpu, 0);
  if (!t->nk) {
    if (t->stack) stack_release(t->stack);
    kmem_free(t);
    return -1;
  }
  *out = t;
  return 0;
}

int plat_thread_join(plat_thread_t *t) {
  int rc = nk_thread_join(t->nk, NULL);
  stack_free(t->stack);
  kmem_free(t);
  return rc;
}

/* The runtime's CPUs: all of them, or those after the reserved ones (a call server's). */
int plat_cpu_count(void) {
  int n = nk_cpu_count() - nkp_reserved_cpus;
  return n > 0 ? n : nk_cpu_count();
}

int nkp_cpu_for(int core) {
  int n = nk_cpu_count(), first = nkp_reserved_cpus < n ? nkp_reserved_cpus : 0;
  if (core < 0) core = (int)__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED);
  return first + core % (n - first);
}
