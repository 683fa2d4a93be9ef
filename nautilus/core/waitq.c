/*
 * Wait queues and condition variables. A waiter enqueues itself and marks itself WAITING
 * with the queue lock held; the waker pops it under the same lock and hands it to its
 * CPU's run queue (nk_sched_wake), so no wakeup can fall between check and sleep.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/waitq.h>
#include <nk/atomic.h>

void nk_waitq_init(struct nk_waitq *q)
{
    nk_spin_init(&q->lock);
    nk_list_init(&q->waiters);
    q->nwaiters = 0;
}

/* Queue lock held, interrupts off: enqueue the caller as WAITING. */
void nk_waitq_add_self(struct nk_waitq *q)
{
    struct nk_thread *t = this_cpu()->cur;
    t->state = NK_THR_WAITING;
    nk_list_add_tail(&q->waiters, &t->link);
    nk_fetch_add(&q->nwaiters, 1);
}

void nk_waitq_wait(struct nk_waitq *q, int (*cond)(void *), void *arg)
{
    unsigned long f = nk_spin_lock_irq(&q->lock);
    while (!cond(arg)) {
        nk_waitq_add_self(q);
        nk_spin_unlock(&q->lock);
        nk_sched_block();
        nk_spin_lock(&q->lock);
    }
    nk_spin_unlock_irq(&q->lock, f);
}

/* Queue lock held. */
static int wake_locked(struct nk_waitq *q, int n)
{
    int woke = 0;
    struct nk_list *e;
    while (woke < n && (e = nk_list_pop(&q->waiters))) {
        nk_fetch_add(&q->nwaiters, -1);
        nk_sched_wake(nk_container_of(e, struct nk_thread, link));
        woke++;
    }
    return woke;
}

int nk_waitq_wake(struct nk_waitq *q, int n)
{
    unsigned long f = nk_spin_lock_irq(&q->lock);
    int woke = wake_locked(q, n);
    nk_spin_unlock_irq(&q->lock, f);
    return woke;
}

void nk_waitq_set_and_wake_all(struct nk_waitq *q, void (*set)(void *), void *arg)
{
    unsigned long f = nk_spin_lock_irq(&q->lock);
    set(arg);
    wake_locked(q, 0x7fffffff);
    nk_spin_unlock_irq(&q->lock, f);
}

void nk_condvar_init(struct nk_condvar *cv)
{
    nk_waitq_init(&cv->q);
}

void nk_condvar_wait(struct nk_condvar *cv, nk_spinlock_t *lock)
{
    unsigned long f = nk_spin_lock_irq(&cv->q.lock);
    nk_waitq_add_self(&cv->q);
    nk_spin_unlock(&cv->q.lock);
    nk_spin_unlock(lock);
    nk_sched_block();
    arch_irq_restore(f);
    nk_spin_lock(lock);
}

int nk_condvar_signal(struct nk_condvar *cv)
{
    if (!nk_load(&cv->q.nwaiters))
        return 0;
    return nk_waitq_wake(&cv->q, 1);
}

int nk_condvar_broadcast(struct nk_condvar *cv)
{
    if (!nk_load(&cv->q.nwaiters))
        return 0;
    return nk_waitq_wake(&cv->q, 0x7fffffff);
}
