/*
 * The scheduler: one run queue per CPU (threads are bound), round robin, an idle thread per
 * CPU (its boot context). Everything here runs with interrupts disabled and only the owning
 * CPU dequeues from its run queue, so a thread being switched out can be woken (enqueued)
 * by another CPU before its registers are saved without ever running twice.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/printk.h>
#include <nk/atomic.h>

#define NK_CANARY 0x5354434b43414e41ull

void nk_switch(uint64_t *save_rsp, uint64_t new_rsp);
void nk_thread_free(struct nk_thread *t);

/* Run under the join queue's lock, so a joiner that sees done frees t only after we
 * released that lock (the last time we touch t). */
static void set_done(void *arg)
{
    ((struct nk_thread *)arg)->done = 1;
}

/* After every switch, on the new stack: finish the thread that exited on this CPU. */
void nk_sched_finish(struct nk_cpu *c)
{
    struct nk_thread *t = c->dead;
    if (!t)
        return;
    c->dead = NULL;
    if (t->flags & NK_THREAD_DETACHED)
        nk_thread_free(t);
    else
        nk_waitq_set_and_wake_all(&t->joinq, set_done, t);
}

/* Interrupts disabled. Pick the next thread of this CPU and switch to it. */
static void schedule(struct nk_cpu *c)
{
    struct nk_thread *cur = c->cur, *next;
    if (cur != c->idle && cur->canary != NK_CANARY)
        panic("thread %lu overflowed its stack", cur->id);
    nk_spin_lock(&c->rq_lock);
    if (cur->state == NK_THR_RUNNING && cur != c->idle) {
        cur->state = NK_THR_READY;
        nk_list_add_tail(&c->rq, &cur->link);
        c->nready++;
    }
    struct nk_list *e = nk_list_pop(&c->rq);
    if (e) {
        next = nk_container_of(e, struct nk_thread, link);
        c->nready--;
    } else {
        next = c->idle;
    }
    next->state = NK_THR_RUNNING;
    c->cur = next;
    nk_spin_unlock(&c->rq_lock);
    if (next != cur) {
        c->switches++;
        arch_note_switch(c, next != c->idle);
        nk_switch(&cur->rsp, next->rsp);
        nk_sched_finish(this_cpu());
    }
}

void nk_sched_block(void)
{
    schedule(this_cpu());
}

void nk_yield(void)
{
    unsigned long f = arch_irq_save();
    schedule(this_cpu());
    arch_irq_restore(f);
}

/* Without arch_relax_poll a spinner starved whatever only the idle thread wakes (a parked
 * call server: its call waited for as long as the spin lasted). */
void nk_relax(void)
{
    if (this_cpu()->nready) {
        nk_yield();
    } else {
        arch_relax_poll();
        arch_cpu_relax();
    }
}

/* Put t (READY) on its CPU's run queue; kick that CPU if it is idle elsewhere. */
void nk_sched_enqueue(struct nk_thread *t, int wake)
{
    struct nk_cpu *c = nk_cpus[t->cpu];
    unsigned long f = nk_spin_lock_irq(&c->rq_lock);
    if (wake && t->state != NK_THR_WAITING) {
        nk_spin_unlock_irq(&c->rq_lock, f);
        return;
    }
    t->state = NK_THR_READY;
    nk_list_add_tail(&c->rq, &t->link);
    c->nready++;
    int idle = c->cur == c->idle;
    nk_spin_unlock_irq(&c->rq_lock, f);
    if (idle && c != this_cpu())
        arch_cpu_kick(c->id);
}

void nk_sched_wake(struct nk_thread *t)
{
    nk_sched_enqueue(t, 1);
}

void nk_sched_tick(void)
{
    struct nk_cpu *c = this_cpu();
    c->ticks++;
    if (c->cur != c->idle && c->nready && !c->preempt_off)
        schedule(c);
}

void nk_preempt_disable(void)
{
    this_cpu()->preempt_off++;
}

void nk_preempt_enable(void)
{
    this_cpu()->preempt_off--;
}

void nk_sched_init_cpu(struct nk_cpu *c, int id)
{
    static struct nk_thread idle_threads[NK_MAX_CPUS];
    struct nk_thread *idle = &idle_threads[id];
    idle->state = NK_THR_RUNNING;
    idle->cpu = id;
    idle->id = 0;
    nk_list_init(&idle->link);
    nk_list_init(&c->rq);
    c->idle = c->cur = idle;
}

void nk_sched_idle_loop(void)
{
    struct nk_cpu *c = this_cpu();
    for (;;) {
        arch_irq_disable();
        if (c->nready)
            schedule(c);
        else if (!nk_thread_cache_fill_step())
            arch_cpu_idle();
        arch_irq_enable();
    }
}
