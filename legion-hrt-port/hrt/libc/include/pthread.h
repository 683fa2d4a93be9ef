/*
 * The HRT's pthreads for the runtime's C tests: threads are aerokernel threads (plat_thread),
 * mutexes and condition variables sit on the port's futex emulation (plat_wait/plat_wake).
 */
#ifndef LHRT_HRT_PTHREAD_H
#define LHRT_HRT_PTHREAD_H
#include <stdint.h>
#include <time.h>

typedef struct hrt_pthread *pthread_t;
typedef struct { int unused; } pthread_attr_t;
typedef struct { uint32_t v; } pthread_mutex_t;
typedef struct { int unused; } pthread_mutexattr_t;
typedef struct { uint32_t seq; } pthread_cond_t;
typedef struct { int unused; } pthread_condattr_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }
#define PTHREAD_COND_INITIALIZER { 0 }

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);
pthread_t pthread_self(void);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
#endif
