/*
 * Locks built on atomics and the platform's futex-style wait: a spinlock for sections of a
 * few instructions, and a three-state mutex (Drepper's) for longer ones such as analysis.
 */
#include "internal.h"

void spin_lock(spin_t *l) {
  for (;;) {
    if (!__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) return;
    int n = 0;
    while (__atomic_load_n(&l->v, __ATOMIC_RELAXED)) {
      if (++n < 200) plat_cpu_relax();
      else { plat_yield(); n = 0; }
    }
  }
}

void spin_unlock(spin_t *l) { __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE); }

void mutex_lock(mutex_t *m) {
  uint32_t c = 0;
  if (__atomic_compare_exchange_n(&m->v, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  for (int i = 0; i < 100; i++) {
    plat_cpu_relax();
    c = 0;
    if (__atomic_compare_exchange_n(&m->v, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  }
  if (c != 2) c = __atomic_exchange_n(&m->v, 2, __ATOMIC_ACQUIRE);
  while (c != 0) {
    plat_wait(&m->v, 2, -1);
    c = __atomic_exchange_n(&m->v, 2, __ATOMIC_ACQUIRE);
  }
}

void mutex_unlock(mutex_t *m) {
  if (__atomic_exchange_n(&m->v, 0, __ATOMIC_RELEASE) == 2) plat_wake(&m->v, 1);
}
