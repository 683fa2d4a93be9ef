/*
 * pthreads and sleeping for the HRT's libc, over the runtime's platform port: a thread is a
 * plat_thread (an aerokernel thread with a large stack), a mutex is a three-state futex
 * word, a condition variable a sequence number waited on with plat_wait. Sleeps poll the
 * clock and yield: the deprivileged kernel has no timer to wake a blocked sleeper.
 */
#include <pthread.h>
#include <unistd.h>
#include <time.h>
#include <nk/thread.h>
#include "../../platform/plat.h"

struct hrt_pthread {
  plat_thread_t *pt;
  void *(*fn)(void *);
  void *arg;
  void *ret;
};

static void start(void *p) {
  struct hrt_pthread *t = p;
  t->ret = t->fn(t->arg);
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  (void)attr;
  struct hrt_pthread *t = plat_zalloc(sizeof *t);
  if (!t) return 11;                               /* EAGAIN */
  t->fn = fn;
  t->arg = arg;
  if (plat_thread_create(&t->pt, start, t, -1)) {
    plat_free(t);
    return 11;
  }
  *out = t;
  return 0;
}

int pthread_join(pthread_t t, void **ret) {
  if (plat_thread_join(t->pt)) return 22;          /* EINVAL */
  if (ret) *ret = t->ret;
  plat_free(t);
  return 0;
}

pthread_t pthread_self(void) { return (pthread_t)nk_thread_self(); }

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) { (void)a; m->v = 0; return 0; }
int pthread_mutex_destroy(pthread_mutex_t *m) { (void)m; return 0; }

int pthread_mutex_trylock(pthread_mutex_t *m) {
  uint32_t z = 0;
  return __atomic_compare_exchange_n(&m->v, &z, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ? 0 : 16;   /* EBUSY */
}

/* 0 free, 1 locked, 2 locked with (possible) waiters. */
int pthread_mutex_lock(pthread_mutex_t *m) {
  if (!pthread_mutex_trylock(m)) return 0;
  while (__atomic_exchange_n(&m->v, 2, __ATOMIC_ACQUIRE) != 0) plat_wait(&m->v, 2, -1);
  return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
  if (__atomic_exchange_n(&m->v, 0, __ATOMIC_RELEASE) == 2) plat_wake(&m->v, 1);
  return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) { (void)a; c->seq = 0; return 0; }
int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }

static int cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, int64_t timeout_ns) {
  uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
  pthread_mutex_unlock(m);
  plat_wait(&c->seq, seq, timeout_ns);
  pthread_mutex_lock(m);
  return 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait_ns(c, m, -1); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime) {
  int64_t until = (int64_t)abstime->tv_sec * 1000000000ll + abstime->tv_nsec, now = (int64_t)plat_time_ns();
  if (until <= now) return 110;                    /* ETIMEDOUT */
  cond_wait_ns(c, m, until - now);
  return (int64_t)plat_time_ns() >= until ? 110 : 0;
}

int pthread_cond_signal(pthread_cond_t *c) {
  __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
  plat_wake(&c->seq, 1);
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c) {
  __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
  plat_wake(&c->seq, 0x7fffffff);
  return 0;
}

static void sleep_ns(uint64_t ns) {
  uint64_t end = plat_time_ns() + ns;
  while (plat_time_ns() < end) plat_cpu_relax();
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  sleep_ns((uint64_t)req->tv_sec * 1000000000ull + (uint64_t)req->tv_nsec);
  if (rem) rem->tv_sec = rem->tv_nsec = 0;
  return 0;
}

int usleep(unsigned usec) { sleep_ns((uint64_t)usec * 1000); return 0; }
unsigned sleep(unsigned sec) { sleep_ns((uint64_t)sec * 1000000000ull); return 0; }
