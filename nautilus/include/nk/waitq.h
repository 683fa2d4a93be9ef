/*
 * Wait queues, condition variables, events and barriers: the blocking primitives.
 * A waiter puts itself on the queue under its lock and re-checks its condition there, so
 * a wakeup can never be lost; a waker moves threads to their CPU's run queue and kicks it.
 */
#ifndef NK_WAITQ_H
#define NK_WAITQ_H

#include <stdint.h>
#include <nk/list.h>
#include <nk/sync.h>

struct nk_waitq {
    nk_spinlock_t lock;
    struct nk_list waiters;
    volatile int nwaiters;
};

void nk_waitq_init(struct nk_waitq *q);
/* Sleep until cond(arg) is true; cond is evaluated with the queue lock held. */
void nk_waitq_wait(struct nk_waitq *q, int (*cond)(void *), void *arg);
/* Wake one (1) or all (0x7fffffff) waiters; returns how many were woken. */
int nk_waitq_wake(struct nk_waitq *q, int n);
/* Wake all waiters after running set(arg) under the queue lock (e.g. set a done flag). */
void nk_waitq_set_and_wake_all(struct nk_waitq *q, void (*set)(void *), void *arg);

/* Condition variable used with a spinlock (Mesa semantics: re-check after waking). */
struct nk_condvar { struct nk_waitq q; };
void nk_condvar_init(struct nk_condvar *cv);
void nk_condvar_wait(struct nk_condvar *cv, nk_spinlock_t *lock);
int nk_condvar_signal(struct nk_condvar *cv);
int nk_condvar_broadcast(struct nk_condvar *cv);

/* Event: a sequence number. wait(seen) returns once seq != seen; it first polls (cheap
 * when the signaller is on another, running CPU), then blocks. broadcast wakes every
 * blocked waiter. signal wakes at most one (the longest blocked) and is for an event with a
 * single waiter: with several blocked, the others stay blocked although seq moved, until a
 * later signal or broadcast (a waiter still polling sees the new seq either way). Several
 * waiters (the barrier's): broadcast. */
struct nk_event {
    volatile uint64_t seq;
    struct nk_waitq q;
};
void nk_event_init(struct nk_event *e);
uint64_t nk_event_seq(struct nk_event *e);
uint64_t nk_event_wait(struct nk_event *e, uint64_t seen);
void nk_event_signal(struct nk_event *e);
void nk_event_broadcast(struct nk_event *e);

/* Reusable barrier for n threads: the generation is the event's sequence number, so a
 * thread racing ahead into the next round can never release the previous one. */
struct nk_barrier {
    nk_spinlock_t lock;
    int n;
    int count;
    struct nk_event ev;
};
int nk_barrier_init(struct nk_barrier *b, int n);   /* -1 when n < 1 */
/* Returns 1 in exactly one thread per round (the last to arrive), 0 in the others. */
int nk_barrier_wait(struct nk_barrier *b);

#endif /* NK_WAITQ_H */
