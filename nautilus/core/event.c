/*
 * Events and barriers. A waiter first polls the sequence number for a short while (a
 * signaller on another running CPU is seen within a cache-line transfer, no IPI), then
 * blocks. Blocking is a Dekker handshake: the waiter bumps nwaiters then re-reads seq; the
 * signaller bumps seq then reads nwaiters; both are locked (fully ordered) operations, so at
 * least one side sees the other.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/waitq.h>
#include <nk/atomic.h>

#define EVENT_POLL_NS 50000

void nk_waitq_add_self(struct nk_waitq *q);

void nk_event_init(struct nk_event *e)
{
    e->seq = 0;
    nk_waitq_init(&e->q);
}

uint64_t nk_event_seq(struct nk_event *e)
{
    return nk_load(&e->seq);
}

static uint64_t poll(struct nk_event *e, uint64_t seen)
{
    uint64_t end = arch_cycles() + nk_ns_to_cycles(EVENT_POLL_NS);
    struct nk_cpu *c = this_cpu();
    uint64_t s;
    while ((s = nk_load(&e->seq)) == seen && !c->nready && arch_cycles() < end)
        arch_cpu_relax();
    return s;
}

uint64_t nk_event_wait(struct nk_event *e, uint64_t seen)
{
    uint64_t s = poll(e, seen);
    if (s != seen)
        return s;
    struct nk_thread *self = this_cpu()->cur;
    unsigned long f = nk_spin_lock_irq(&e->q.lock);
    while ((s = nk_load(&e->seq)) == seen) {
        nk_waitq_add_self(&e->q);             /* locked add: full fence */
        if ((s = nk_load(&e->seq)) != seen) {
            nk_list_del(&self->link);
            nk_fetch_add(&e->q.nwaiters, -1);
            self->state = NK_THR_RUNNING;
            break;
        }
        nk_spin_unlock(&e->q.lock);
        nk_sched_block();
        nk_spin_lock(&e->q.lock);
    }
    nk_spin_unlock_irq(&e->q.lock, f);
    return s;
}

void nk_event_signal(struct nk_event *e)
{
    nk_fetch_add(&e->seq, 1);
    if (nk_load(&e->q.nwaiters))
        nk_waitq_wake(&e->q, 1);
}

void nk_event_broadcast(struct nk_event *e)
{
    nk_fetch_add(&e->seq, 1);
    if (nk_load(&e->q.nwaiters))
        nk_waitq_wake(&e->q, 0x7fffffff);
}

int nk_barrier_init(struct nk_barrier *b, int n)
{
    if (n < 1)
        return -1;                            /* no wait could ever complete it */
    nk_spin_init(&b->lock);
    b->n = n;
    b->count = 0;
    nk_event_init(&b->ev);
    return 0;
}

int nk_barrier_wait(struct nk_barrier *b)
{
    unsigned long f = nk_spin_lock_irq(&b->lock);
    uint64_t gen = b->ev.seq;
    if (++b->count == b->n) {
        b->count = 0;                         /* reset before releasing: reusable */
        nk_event_broadcast(&b->ev);
        nk_spin_unlock_irq(&b->lock, f);
        return 1;
    }
    nk_spin_unlock_irq(&b->lock, f);
    nk_event_wait(&b->ev, gen);
    return 0;
}
