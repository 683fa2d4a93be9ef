/*
 * Busy-waiting locks: spinlocks (test-and-test-and-set), ticket locks, reader-writer locks.
 * Holders never sleep. The _irq variants also disable interrupts (no-ops on cooperative
 * profiles) and are the ones the scheduler uses.
 */
#ifndef NK_SYNC_H
#define NK_SYNC_H

#include <stdint.h>

typedef struct { volatile uint32_t v; } nk_spinlock_t;
#define NK_SPINLOCK_INIT { 0 }

void nk_spin_init(nk_spinlock_t *l);
void nk_spin_lock(nk_spinlock_t *l);
int nk_spin_trylock(nk_spinlock_t *l);
void nk_spin_unlock(nk_spinlock_t *l);
unsigned long nk_spin_lock_irq(nk_spinlock_t *l);
void nk_spin_unlock_irq(nk_spinlock_t *l, unsigned long flags);

typedef struct { volatile uint32_t next; volatile uint32_t owner; } nk_ticket_t;
#define NK_TICKET_INIT { 0, 0 }
void nk_ticket_lock(nk_ticket_t *l);
void nk_ticket_unlock(nk_ticket_t *l);

/* Writer-preferring reader-writer spin lock: bit 31 = writer, low bits = readers. */
typedef struct { volatile uint32_t v; volatile uint32_t wwait; } nk_rwlock_t;
#define NK_RWLOCK_INIT { 0, 0 }
void nk_rw_read_lock(nk_rwlock_t *l);
void nk_rw_read_unlock(nk_rwlock_t *l);
void nk_rw_write_lock(nk_rwlock_t *l);
void nk_rw_write_unlock(nk_rwlock_t *l);

#endif /* NK_SYNC_H */
