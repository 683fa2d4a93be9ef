/*
 * Spinlocks, ticket locks and reader-writer locks. Waiting uses arch_cpu_relax only:
 * holders never block, so a spinner never waits for a thread of its own CPU on a
 * cooperative profile (locks are held for short, non-yielding sections).
 */
#include <nk/sync.h>
#include <nk/atomic.h>
#include <nk/arch.h>

void nk_spin_init(nk_spinlock_t *l)
{
    l->v = 0;
}

void nk_spin_lock(nk_spinlock_t *l)
{
    while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
        while (l->v)
            arch_cpu_relax();
}

int nk_spin_trylock(nk_spinlock_t *l)
{
    return !__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE);
}

void nk_spin_unlock(nk_spinlock_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

unsigned long nk_spin_lock_irq(nk_spinlock_t *l)
{
    unsigned long f = arch_irq_save();
    nk_spin_lock(l);
    return f;
}

void nk_spin_unlock_irq(nk_spinlock_t *l, unsigned long flags)
{
    nk_spin_unlock(l);
    arch_irq_restore(flags);
}

void nk_ticket_lock(nk_ticket_t *l)
{
    uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        arch_cpu_relax();
}

void nk_ticket_unlock(nk_ticket_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#define RW_WRITER 0x80000000u

void nk_rw_read_lock(nk_rwlock_t *l)
{
    for (;;) {
        while (l->wwait || (l->v & RW_WRITER))
            arch_cpu_relax();
        uint32_t old = __atomic_fetch_add(&l->v, 1, __ATOMIC_ACQUIRE);
        if (!(old & RW_WRITER))
            return;
        __atomic_fetch_sub(&l->v, 1, __ATOMIC_RELAXED);
    }
}

void nk_rw_read_unlock(nk_rwlock_t *l)
{
    __atomic_fetch_sub(&l->v, 1, __ATOMIC_RELEASE);
}

void nk_rw_write_lock(nk_rwlock_t *l)
{
    __atomic_fetch_add(&l->wwait, 1, __ATOMIC_RELAXED);
    for (;;) {
        uint32_t zero = 0;
        if (__atomic_compare_exchange_n(&l->v, &zero, RW_WRITER, 0,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            break;
        arch_cpu_relax();
    }
    __atomic_fetch_sub(&l->wwait, 1, __ATOMIC_RELAXED);
}

/* Clear only the writer bit: a reader may hold a transient increment it is about to undo. */
void nk_rw_write_unlock(nk_rwlock_t *l)
{
    __atomic_fetch_and(&l->v, ~RW_WRITER, __ATOMIC_RELEASE);
}
