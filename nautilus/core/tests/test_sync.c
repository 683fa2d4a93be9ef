/*
 * Self-tests of synchronisation on every CPU: spin/ticket/rw locks, wait queues, condition
 * variables (ping-pong across CPUs, broadcast), events (cross-CPU signal, broadcast) and
 * the reusable barrier.
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/waitq.h>
#include <nk/sync.h>
#include <nk/cpu.h>
#include <nk/atomic.h>

static nk_spinlock_t slock = NK_SPINLOCK_INIT;
static nk_ticket_t tlock = NK_TICKET_INIT;
static nk_rwlock_t rwl = NK_RWLOCK_INIT;
static volatile uint64_t counter;
static volatile uint64_t shadow;

static long spin_worker(void *arg, int cpu)
{
    int n = nk_scale(20000);
    for (int i = 0; i < n; i++) {
        nk_spin_lock(&slock);
        counter++;
        nk_spin_unlock(&slock);
    }
    return 0;
}

NK_TEST(spinlock_counter, NK_QUICK)
{
    counter = 0;
    nk_on_all_cpus(spin_worker, NULL);
    uint64_t want = (uint64_t)nk_scale(20000) * nk_cpu_count();
    NK_CHECK(counter == want, "counter %lu, want %lu: mutual exclusion broken", counter, want);
    NK_CHECK(nk_spin_trylock(&slock) && !nk_spin_trylock(&slock), "trylock");
    nk_spin_unlock(&slock);
    return 0;
}

/* Fewer rounds than the spinlock: a FIFO lock convoys when the host deschedules the vCPU
 * whose turn it is (4 vCPUs on 2 host cores under TCG). */
static long ticket_worker(void *arg, int cpu)
{
    int n = nk_scale(1000);
    for (int i = 0; i < n; i++) {
        nk_ticket_lock(&tlock);
        counter++;
        nk_ticket_unlock(&tlock);
    }
    return 0;
}

NK_TEST(ticketlock_counter, NK_QUICK)
{
    counter = 0;
    nk_on_all_cpus(ticket_worker, NULL);
    uint64_t want = (uint64_t)nk_scale(1000) * nk_cpu_count();
    NK_CHECK(counter == want, "counter %lu, want %lu", counter, want);
    NK_CHECK(tlock.next == tlock.owner, "ticket lock left held");
    return 0;
}

/* Writers keep counter == shadow; readers must never see them differ. */
static long rw_worker(void *arg, int cpu)
{
    int n = nk_scale(5000);
    long bad = 0;
    for (int i = 0; i < n; i++) {
        if (cpu == 0 || i % 8 == 0) {
            nk_rw_write_lock(&rwl);
            counter++;
            shadow++;
            nk_rw_write_unlock(&rwl);
        } else {
            nk_rw_read_lock(&rwl);
            bad += counter != shadow;
            nk_rw_read_unlock(&rwl);
        }
    }
    return bad;
}

NK_TEST(rwlock_readers_writers, NK_QUICK)
{
    counter = shadow = 0;
    long bad = nk_on_all_cpus(rw_worker, NULL);
    NK_CHECK(bad == 0, "%ld reads saw a half-done write", bad);
    NK_CHECK(rwl.v == 0, "lock left held: %x", rwl.v);
    return 0;
}

static struct nk_waitq wq;
static volatile int wq_flag;
static volatile int wq_woken;

static int flag_set(void *a)
{
    (void)a;
    return wq_flag;
}

static void *wq_waiter(void *a)
{
    nk_waitq_wait(&wq, flag_set, NULL);
    nk_fetch_add(&wq_woken, 1);
    return NULL;
}

NK_TEST(waitq_wake_all, NK_QUICK)
{
    struct nk_thread *t[8];
    nk_waitq_init(&wq);
    wq_flag = wq_woken = 0;
    for (int i = 0; i < 8; i++)
        t[i] = nk_thread_create(wq_waiter, NULL, i % nk_cpu_count(), 0);
    nk_sleep_ns(1000000);
    NK_CHECK(wq_woken == 0, "waiters ran before the condition held");
    wq_flag = 1;
    nk_waitq_wake(&wq, 0x7fffffff);
    for (int i = 0; i < 8; i++)
        nk_thread_join(t[i], NULL);
    NK_CHECK(wq_woken == 8, "%d of 8 woken", wq_woken);
    return 0;
}

static nk_spinlock_t cv_lock = NK_SPINLOCK_INIT;
static struct nk_condvar cv;
static volatile int cv_turn;

static void *cv_player(void *arg)
{
    int me = (int)(long)arg, rounds = nk_scale(3000);
    for (int i = 0; i < rounds; i++) {
        nk_spin_lock(&cv_lock);
        while (cv_turn != me)
            nk_condvar_wait(&cv, &cv_lock);
        cv_turn = !me;
        nk_spin_unlock(&cv_lock);
        nk_condvar_signal(&cv);           /* after unlocking: the woken thread finds it free */
    }
    return NULL;
}

NK_TEST(condvar_pingpong, NK_SLOW)
{
    nk_condvar_init(&cv);
    cv_turn = 0;
    int n = nk_cpu_count();
    struct nk_thread *a = nk_thread_create(cv_player, (void *)0, 0, 0);
    struct nk_thread *b = nk_thread_create(cv_player, (void *)1, 1 % n, 0);
    NK_CHECK(a && b, "create");
    nk_thread_join(a, NULL);
    nk_thread_join(b, NULL);
    NK_CHECK(cv_turn == 0, "turn %d after an even number of hand-offs", cv_turn);
    printk("  %d condvar round trips between CPU 0 and CPU %d\n", nk_scale(3000), 1 % n);
    return 0;
}

static volatile int cv_go;
static volatile int cv_seen;

static void *cv_broadcast_waiter(void *a)
{
    nk_spin_lock(&cv_lock);
    while (!cv_go)
        nk_condvar_wait(&cv, &cv_lock);
    cv_seen++;
    nk_spin_unlock(&cv_lock);
    return NULL;
}

NK_TEST(condvar_broadcast, NK_QUICK)
{
    enum { N = 12 };
    struct nk_thread *t[N];
    nk_condvar_init(&cv);
    cv_go = cv_seen = 0;
    for (int i = 0; i < N; i++)
        t[i] = nk_thread_create(cv_broadcast_waiter, NULL, i % nk_cpu_count(), 0);
    nk_sleep_ns(1000000);
    nk_spin_lock(&cv_lock);
    cv_go = 1;
    nk_condvar_broadcast(&cv);
    nk_spin_unlock(&cv_lock);
    for (int i = 0; i < N; i++)
        nk_thread_join(t[i], NULL);
    NK_CHECK(cv_seen == N, "%d of %d waiters saw the broadcast", cv_seen, N);
    return 0;
}

static struct nk_event ev, ev_back;

static void *ev_echo(void *arg)
{
    int rounds = (int)(long)arg;
    uint64_t seen = 0;
    for (int i = 0; i < rounds; i++) {
        seen = nk_event_wait(&ev, seen);
        nk_event_signal(&ev_back);
    }
    return NULL;
}

NK_TEST(event_cross_cpu, NK_QUICK)
{
    int rounds = nk_scale(2000);
    nk_event_init(&ev);
    nk_event_init(&ev_back);
    struct nk_thread *t = nk_thread_create(ev_echo, (void *)(long)rounds,
                                           nk_cpu_count() - 1, 0);
    NK_CHECK(t, "create");
    uint64_t back = 0;
    for (int i = 0; i < rounds; i++) {
        nk_event_signal(&ev);
        back = nk_event_wait(&ev_back, back);
    }
    nk_thread_join(t, NULL);
    NK_CHECK(nk_event_seq(&ev) == (uint64_t)rounds && back == (uint64_t)rounds,
             "seq %lu/%lu after %d rounds", nk_event_seq(&ev), back, rounds);
    return 0;
}

static volatile int ev_woken;

static void *ev_waiter(void *a)
{
    nk_event_wait(&ev, 0);
    nk_fetch_add(&ev_woken, 1);
    return NULL;
}

NK_TEST(event_broadcast, NK_QUICK)
{
    enum { N = 16 };
    struct nk_thread *t[N];
    nk_event_init(&ev);
    ev_woken = 0;
    for (int i = 0; i < N; i++)
        t[i] = nk_thread_create(ev_waiter, NULL, i % nk_cpu_count(), 0);
    nk_sleep_ns(2000000);                 /* longer than the poll window: they block */
    NK_CHECK(ev_woken == 0, "%d waiters passed an unsignalled event", ev_woken);
    nk_event_broadcast(&ev);
    for (int i = 0; i < N; i++)
        nk_thread_join(t[i], NULL);
    NK_CHECK(ev_woken == N, "%d of %d woken", ev_woken, N);
    return 0;
}

static struct nk_barrier bar;
static volatile uint64_t phase_count[2];

/* Every round: count arrivals in this round's slot, barrier, check the slot is complete,
 * barrier, the serial thread clears it. A non-resetting barrier fails the second round. */
static long barrier_worker(void *arg, int cpu)
{
    int rounds = nk_scale(300), n = nk_cpu_count() * 2;
    long bad = 0;
    for (int r = 0; r < rounds; r++) {
        nk_fetch_add(&phase_count[r & 1], 1);
        nk_barrier_wait(&bar);
        bad += nk_load(&phase_count[r & 1]) != (uint64_t)n;
        if (nk_barrier_wait(&bar))
            phase_count[r & 1] = 0;
    }
    return bad;
}

static void *barrier_thread(void *cpu)
{
    return (void *)barrier_worker(NULL, (int)(long)cpu);
}

NK_TEST(barrier_reuse, NK_SLOW)
{
    int n = nk_cpu_count() * 2;           /* two threads per CPU: blocking, not just spinning */
    struct nk_thread *t[2 * NK_MAX_CPUS];
    NK_CHECK(nk_barrier_init(&bar, n) == 0, "init for %d threads", n);
    phase_count[0] = phase_count[1] = 0;
    for (int i = 0; i < n; i++)
        t[i] = nk_thread_create(barrier_thread, (void *)(long)(i / 2), i / 2, 0);
    long bad = 0;
    for (int i = 0; i < n; i++) {
        void *r;
        nk_thread_join(t[i], &r);
        bad += (long)r;
    }
    NK_CHECK(bad == 0, "%ld rounds saw an incomplete phase", bad);
    NK_CHECK(bar.count == 0, "barrier count %d after the last round", bar.count);
    return 0;
}

NK_TEST(barrier_refuses_no_threads, NK_QUICK)
{
    struct nk_barrier b;
    NK_CHECK(nk_barrier_init(&b, 0) == -1, "a barrier for 0 threads (every wait would hang) was accepted");
    NK_CHECK(nk_barrier_init(&b, -3) == -1, "a barrier for -3 threads was accepted");
    NK_CHECK(nk_barrier_init(&b, 1) == 0 && nk_barrier_wait(&b) == 1, "a barrier of one releases its only waiter");
    return 0;
}

NK_TEST(atomic_ops, NK_QUICK)
{
    uint64_t v = 5, o = 5;
    NK_CHECK(nk_fetch_add(&v, 3) == 5 && v == 8, "fetch_add");
    NK_CHECK(!nk_cas(&v, &o, 1) && o == 8, "failed cas must report the value");
    NK_CHECK(nk_cas(&v, &o, 1) && v == 1, "cas");
    NK_CHECK(nk_xchg(&v, 9) == 1 && v == 9, "xchg");
    return 0;
}
