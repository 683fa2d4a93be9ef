/*
 * Nautilus port, waiting: a futex emulation keyed by address over the kernel's wait
 * queues. Each waiter puts a record on its address's bucket and sleeps on a wait queue of
 * its own, so a wake reaches exactly the waiters of that address. Untimed waits block (the
 * CPU idles, then dozes in the VMM until kicked). Timed waits poll for up to 2 ms, yielding
 * to the CPU's other threads, then block too; the deprivileged kernel has no timer, so their
 * timeouts are served by whichever CPU next passes through plat_wait/plat_wake/plat_yield -
 * never while every CPU dozes, so a timeout must not be needed for progress (the runtime's
 * idle sleep once relied on it; see the HRT report).
 */
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/waitq.h>
#include <nk/sync.h>
#include <nk/arch.h>
#include "../plat.h"
#include "nk_port.h"
#include "hvm.h"

#define NBUCKETS     256
#define POLL_MAX_NS  2000000   /* timed waits poll this long, then block */

struct waiter {
  struct waiter *next, *prev;
  uint32_t *addr;
  uint64_t deadline;           /* cycles; 0 = none */
  volatile int woken;          /* set under the waiter's queue lock, bucket lock held */
  struct nk_waitq q;
};

struct bucket {
  nk_spinlock_t lock;
  struct waiter *head;
} __attribute__((aligned(64)));

static struct bucket buckets[NBUCKETS];
static volatile uint64_t next_deadline = ~0ull;   /* earliest deadline of a blocked waiter */
static nk_spinlock_t sweep_lock;

static struct bucket *bucket_of(uint32_t *addr) {
  uint64_t h = (uint64_t)(uintptr_t)addr * 0x9e3779b97f4a7c15ull;
  return &buckets[h >> 56];
}

/* Bucket lock held. head is also read without it (plat_wake's empty check): store atomically. */
static void unlink_waiter(struct bucket *b, struct waiter *w) {
  if (w->prev) w->prev->next = w->next;
  else __atomic_store_n(&b->head, w->next, __ATOMIC_RELEASE);
  if (w->next) w->next->prev = w->prev;
}

static int is_woken(void *p) { return ((struct waiter *)p)->woken; }
static void set_woken(void *p) { ((struct waiter *)p)->woken = 1; }

/* Bucket lock held: unlink w and wake it. w may be gone once its queue lock is released,
 * which is the last thing nk_waitq_set_and_wake_all does. */
static void wake_locked(struct bucket *b, struct waiter *w) {
  unlink_waiter(b, w);
  nk_waitq_set_and_wake_all(&w->q, set_woken, w);
}

/* Wake blocked waiters whose deadline passed (rare: only the runtime's idle sleeps). */
static void sweep_timeouts(void) {
  if (__atomic_load_n(&next_deadline, __ATOMIC_RELAXED) > arch_cycles()) return;
  if (!nk_spin_trylock(&sweep_lock)) return;
  uint64_t now = arch_cycles(), next = ~0ull;
  __atomic_store_n(&next_deadline, ~0ull, __ATOMIC_SEQ_CST);
  for (int i = 0; i < NBUCKETS; i++) {
    struct bucket *b = &buckets[i];
    if (!__atomic_load_n(&b->head, __ATOMIC_ACQUIRE)) continue;
    nk_spin_lock(&b->lock);
    for (struct waiter *w = b->head, *n; w; w = n) {
      n = w->next;
      if (w->deadline && w->deadline <= now) wake_locked(b, w);
      else if (w->deadline && w->deadline < next) next = w->deadline;
    }
    nk_spin_unlock(&b->lock);
  }
  uint64_t cur = __atomic_load_n(&next_deadline, __ATOMIC_RELAXED);
  while (next < cur && !__atomic_compare_exchange_n(&next_deadline, &cur, next, 0, __ATOMIC_SEQ_CST,
                                                    __ATOMIC_RELAXED)) {
  }
  nk_spin_unlock(&sweep_lock);
}

static void note_deadline(uint64_t d) {
  uint64_t cur = __atomic_load_n(&next_deadline, __ATOMIC_RELAXED);
  while (d < cur && !__atomic_compare_exchange_n(&next_deadline, &cur, d, 0, __ATOMIC_SEQ_CST,
                                                 __ATOMIC_RELAXED)) {
  }
}

/* Timed wait: poll until woken, the word changed (a legal spurious wakeup), the deadline
 * or the end of the polling phase; then block until woken or swept, or leave - after taking
 * the bucket lock, which a waker holds for as long as it touches w. */
static void timed_wait(struct bucket *b, struct waiter *w, uint32_t expected, uint64_t timeout_ns) {
  uint64_t now = arch_cycles(), deadline = now + nk_ns_to_cycles(timeout_ns) + 1;
  uint64_t poll_end = timeout_ns > POLL_MAX_NS ? now + nk_ns_to_cycles(POLL_MAX_NS) : deadline;
  while (!w->woken && __atomic_load_n(w->addr, __ATOMIC_ACQUIRE) == expected && arch_cycles() < poll_end)
    nk_relax();
  nk_spin_lock(&b->lock);
  if (!w->woken && __atomic_load_n(w->addr, __ATOMIC_ACQUIRE) == expected && arch_cycles() < deadline) {
    w->deadline = deadline;
    nk_spin_unlock(&b->lock);
    note_deadline(deadline);
    nk_waitq_wait(&w->q, is_woken, w);
    return;
  }
  if (!w->woken) unlink_waiter(b, w);
  nk_spin_unlock(&b->lock);
}

void plat_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns) {
  sweep_timeouts();
  struct bucket *b = bucket_of(addr);
  struct waiter w = {0};
  w.addr = addr;
  nk_waitq_init(&w.q);
  nk_spin_lock(&b->lock);
  w.next = b->head;
  if (w.next) w.next->prev = &w;
  __atomic_store_n(&b->head, &w, __ATOMIC_RELEASE);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);     /* publish before the check: see plat_wake */
  if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != expected) {
    unlink_waiter(b, &w);
    nk_spin_unlock(&b->lock);
    return;
  }
  nk_spin_unlock(&b->lock);
  if (timeout_ns >= 0) timed_wait(b, &w, expected, (uint64_t)timeout_ns);
  else nk_waitq_wait(&w.q, is_woken, &w);
}

/* The waker changed *addr before calling; the fence pairs with the waiter's so that an
 * empty bucket seen here means the waiter will see the new value. */
void plat_wake(uint32_t *addr, int n) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  struct bucket *b = bucket_of(addr);
  if (__atomic_load_n(&b->head, __ATOMIC_ACQUIRE)) {
    nk_spin_lock(&b->lock);
    for (struct waiter *w = b->head, *next; w && n > 0; w = next) {
      next = w->next;
      if (w->addr != addr) continue;
      wake_locked(b, w);
      n--;
    }
    nk_spin_unlock(&b->lock);
  }
  sweep_timeouts();
}

/* Spinning on a cooperative kernel must let the CPU's other threads run. */
void plat_cpu_relax(void) { nk_relax(); }

/* The VMM prints the label when this CPU faults (no kernel code runs then to say it). */
void plat_note_task(const char *label) { hvm_note_label(label); }

void plat_yield(void) {
  sweep_timeouts();
  nk_yield();
}

uint64_t plat_time_ns(void) { return nkp_cycles_to_ns(arch_cycles()); }

/* ns = cycles * mult >> 32, mult = 10^9 * 2^32 / tsc_hz: no division on the hot path. */
uint64_t nkp_cycles_to_ns(uint64_t cycles) {
  static uint64_t mult;
  if (!mult) mult = (1000000000ull << 32) / arch_tsc_hz();
  return (uint64_t)(((unsigned __int128)cycles * mult) >> 32);
}
