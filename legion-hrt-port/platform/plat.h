/*
 * plat.h: everything the runtime needs from the machine, and nothing more. The runtime (src/)
 * includes no OS header; each port (platform/linux, later platform/nautilus) implements these
 * functions. Only freestanding headers are used here.
 */
#ifndef LHRT_PLAT_H
#define LHRT_PLAT_H

#include <stdint.h>
#include <stddef.h>

/* Threads. fn runs on a new thread; core >= 0 binds it to that core. */
typedef struct plat_thread plat_thread_t;
int plat_thread_create(plat_thread_t **out, void (*fn)(void *), void *arg, int core);
int plat_thread_join(plat_thread_t *t);          /* also frees t */
int plat_cpu_count(void);

/* One pointer of thread-local storage; dtor runs at exit of threads that set it. */
int plat_tls_init(void (*dtor)(void *));
void *plat_tls_get(void);
void plat_tls_set(void *v);

/* Futex-style wait: sleeps while *addr == expected (timeout_ns < 0: forever). Spurious
 * wakeups allowed. wake wakes up to n waiters on addr. */
void plat_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns);
void plat_wake(uint32_t *addr, int n);
void plat_cpu_relax(void);
void plat_yield(void);
/* The calling runtime thread runs what `label` says from now ("task NAME (id N)", a string
 * that outlives it; NULL: nothing): where a VMM reports what a failed CPU ran, the port tells
 * it (Linux: nothing). */
void plat_note_task(const char *label);
/* After task `name` ran on the calling runtime thread (a slice of its bodies; thorough: when the
 * thread goes idle, naming the last task it ran): where the port cannot put a hole below a
 * stack, it checks the stack's guard band and stops everything, naming the task, if a body
 * overflowed (Linux: nothing to do, a guard page faults at once). */
void plat_stack_check(const char *name, int thorough);

/* Time. */
uint64_t plat_time_ns(void);

/* Heap for runtime metadata. */
void *plat_alloc(size_t n);
void *plat_zalloc(size_t n);
void *plat_realloc(void *p, size_t n);
void plat_free(void *p);
/* Page-granular zeroed memory for instances. */
void *plat_pages_alloc(size_t n);
void plat_pages_free(void *p, size_t n);

/* Native task variants: resolves symbol in library (NULL = the running image). On error
 * returns NULL and writes a message into err. */
void *plat_symbol_lookup(const char *library, const char *symbol, char *err, size_t errlen);

#endif
