/*
 * Atomic operations on aligned words (GCC __atomic builtins: lock-prefixed instructions,
 * legal at every privilege level).
 */
#ifndef NK_ATOMIC_H
#define NK_ATOMIC_H

#define nk_load(p)            __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define nk_store(p, v)        __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define nk_fetch_add(p, v)    __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define nk_add_fetch(p, v)    __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define nk_xchg(p, v)         __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define nk_cas(p, o, n)       __atomic_compare_exchange_n((p), (o), (n), 0, \
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define nk_mb()               __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define nk_barrier()          __asm__ __volatile__("" ::: "memory")

#endif /* NK_ATOMIC_H */
