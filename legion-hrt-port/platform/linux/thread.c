/*
 * Linux port, threads: pthreads with optional core binding, one TLS key, core count.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "../plat.h"

struct plat_thread { pthread_t tid; void (*fn)(void *); void *arg; int core; };

static void *trampoline(void *p) {
  struct plat_thread *t = p;
  if (t->core >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(t->core % plat_cpu_count(), &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* best effort */
  }
  t->fn(t->arg);
  return NULL;
}

int plat_thread_create(plat_thread_t **out, void (*fn)(void *), void *arg, int core) {
  struct plat_thread *t = malloc(sizeof *t);
  if (!t) return -1;
  t->fn = fn; t->arg = arg; t->core = core;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1u << 20);
  int rc = pthread_create(&t->tid, &attr, trampoline, t);
  pthread_attr_destroy(&attr);
  if (rc) { free(t); return -1; }
  *out = t;
  return 0;
}

int plat_thread_join(plat_thread_t *t) {
  int rc = pthread_join(t->tid, NULL);
  free(t);
  return rc ? -1 : 0;
}

int plat_cpu_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static void (*key_dtor)(void *);
static void make_key(void) { pthread_key_create(&key, key_dtor); }

int plat_tls_init(void (*dtor)(void *)) {
  key_dtor = dtor;
  pthread_once(&key_once, make_key);
  return 0;
}
void *plat_tls_get(void) { return pthread_getspecific(key); }
void plat_tls_set(void *v) { pthread_setspecific(key, v); }
