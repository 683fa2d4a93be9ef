/*
 * The HRT side of ROS->HRT calls, in every profile our VMM boots: a registry of callable
 * functions and the server loop. The server takes tickets from the ring header, polls its
 * slot (yielding to ready threads), runs the function, publishes the answer by sequence
 * number, and after the profile's idle spin parks so that its CPU can doze in the VMM until
 * the ROS rings its doorbell (a profile that cannot doze keeps polling). Also the HRT->ROS
 * request paths (ring and exit).
 */
#include <nk/arch.h>
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/atomic.h>
#include <nk/printk.h>
#include <nk/mem.h>
#include <nk/boot.h>
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/test.h>
#include "hvm.h"
#include "hvm_services.h"

static hvm_call_fn registry[HVM_FN_MAX];
static volatile int stop_requested;

int hvm_call_register(uint32_t id, hvm_call_fn fn)
{
    if (id >= HVM_FN_MAX || !fn)
        return -1;
    hvm_call_fn none = NULL;
    return nk_cas(&registry[id], &none, fn) ? 0 : -1;
}

static int fn_null(const uint64_t *a, uint64_t *r) { (void)a; *r = 0; return 0; }
static int fn_echo(const uint64_t *a, uint64_t *r) { *r = a[0]; return 0; }

static int fn_fill(const uint64_t *a, uint64_t *r)
{
    uint64_t *p = (uint64_t *)a[0];
    for (uint64_t i = 0; i < a[1]; i++)
        p[i] = a[2] + i;
    *r = a[1];
    return 0;
}

static int fn_sum(const uint64_t *a, uint64_t *r)
{
    const uint64_t *p = (const uint64_t *)a[0];
    uint64_t s = 0;
    for (uint64_t i = 0; i < a[1]; i++)
        s += p[i];
    *r = s;
    return 0;
}

static void *spawned(void *arg)
{
    nk_fetch_add((volatile uint64_t *)arg, 1);
    return NULL;
}

static int fn_spawn_join(const uint64_t *a, uint64_t *r)
{
    uint64_t n = a[0], done = 0, started = 0;
    struct nk_thread **t = kmem_alloc((n ? n : 1) * sizeof *t);
    if (!t)
        return 1;
    for (; started < n; started++)
        if (!(t[started] = nk_thread_create(spawned, (void *)&done, NK_CPU_ANY, 0)))
            break;
    for (uint64_t i = 0; i < started; i++)
        nk_thread_join(t[i], NULL);
    kmem_free(t);
    *r = nk_load(&done);
    return started == n ? 0 : 2;
}

static int fn_ros_ring(const uint64_t *a, uint64_t *r)
{
    return hvm_ros_call((uint32_t)a[0], a + 1, 3, r);
}

static int fn_ros_exit(const uint64_t *a, uint64_t *r)
{
    return hvm_ros_call_sync((uint32_t)a[0], a + 1, 3, r);
}

static int fn_stop(const uint64_t *a, uint64_t *r)
{
    (void)a;
    stop_requested = 1;
    uint64_t mask = nk_load(&hvm_comm->call_server_mask);
    for (int cpu = 0; cpu < nk_cpu_count(); cpu++)      /* servers dozing elsewhere must see it */
        if ((mask >> cpu & 1) && cpu != my_cpu_id())
            arch_cpu_kick(cpu);
    *r = 0;
    return 0;
}

static void register_builtins(void)
{
    hvm_call_register(HVM_FN_NULL, fn_null);
    hvm_call_register(HVM_FN_ECHO, fn_echo);
    hvm_call_register(HVM_FN_FILL, fn_fill);
    hvm_call_register(HVM_FN_SUM, fn_sum);
    hvm_call_register(HVM_FN_SPAWN_JOIN, fn_spawn_join);
    hvm_call_register(HVM_FN_ROS_RING, fn_ros_ring);
    hvm_call_register(HVM_FN_ROS_EXIT, fn_ros_exit);
    hvm_call_register(HVM_FN_STOP, fn_stop);
}

static void serve_one(struct hvm_slot *s, uint64_t want, uint64_t index)
{
    uint32_t flags = s->flags;            /* read before the slot goes back to the caller */
    uint32_t fn = s->fn;
    uint64_t args[HVM_MAX_ARGS], result = 0;
    for (int i = 0; i < HVM_MAX_ARGS; i++)
        args[i] = s->args[i];
    hvm_call_fn f = fn < HVM_FN_MAX ? registry[fn] : NULL;
    uint32_t status = HVM_STATUS_NO_FUNCTION;
    if (f)
        status = f(args, &result) ? HVM_STATUS_FAILED : HVM_STATUS_OK;
    if (flags & HVM_FLAG_NO_ANSWER) {      /* posted: nobody reads an answer; free the slot for its next lap */
        nk_store(&s->seq, want - HVM_SLOT_POSTED + 4);
        return;
    }
    s->result = result;
    s->status = status;
    /* The exit path's answer travels by the exit: the VMM publishes seq while it serves the
     * `out` (port I/O orders the stores above before it), so the caller cannot see the answer
     * any sooner than the exit brings it. */
    if (flags & HVM_FLAG_EXIT_PATH)
        hvm_outl(HVM_PORT_CALL_DONE, (uint32_t)index);
    else
        nk_store(&s->seq, want + 1);
}

/*
 * A server idle for longer than the idle spin blocks like any waiting thread, so that its
 * CPU's idle thread (which the core kicks when work arrives) is the one that dozes; that
 * idle thread watches the parked server's slot and wakes it when the call is posted.
 */
struct parked_server {
    struct nk_thread *volatile thread;
    volatile uint64_t *seq;
    uint64_t want;
};
static struct parked_server parked[NK_MAX_CPUS];

static void park_server(volatile uint64_t *seq, uint64_t want)
{
    struct nk_cpu *c = this_cpu();
    struct parked_server *p = &parked[c->id];
    struct nk_thread *t = c->cur;
    unsigned long f = arch_irq_save();
    t->state = NK_THR_WAITING;
    p->seq = seq;
    p->want = want;
    nk_store(&p->thread, t);
    if (nk_load(seq) == want || stop_requested) {    /* arrived meanwhile: do not block */
        p->thread = NULL;
        t->state = NK_THR_RUNNING;
    } else {
        nk_sched_block();                            /* only this CPU's idle thread wakes us */
    }
    arch_irq_restore(f);
}

int hvm_call_poll_idle(int cpu, volatile uint64_t **seq, uint64_t *want)
{
    struct parked_server *p = &parked[cpu];
    struct nk_thread *t = nk_load(&p->thread);
    if (!t)
        return 0;
    if (nk_load(p->seq) != p->want && !stop_requested) {
        *seq = p->seq;
        *want = p->want;
        return 0;
    }
    p->thread = NULL;
    nk_sched_wake(t);
    return 1;
}

/* nk_relax's hook (include/nk/arch.h): a thread spinning on a parked server's CPU keeps that
 * CPU's idle thread from running, so it looks at the server's slot in its stead. Interrupts
 * off (ring0 preempts): a switch between the look and the wake could let the server park
 * again and lose that park to this wake. */
void arch_relax_poll(void)
{
    struct nk_cpu *c = this_cpu();
    if (!nk_load(&parked[c->id].thread))
        return;
    volatile uint64_t *seq;
    uint64_t want;
    unsigned long f = arch_irq_save();
    hvm_call_poll_idle(c->id, &seq, &want);
    arch_irq_restore(f);
}

/* Wait for slot s to reach `want`: poll, yield to ready threads, park when idle long.
 * Returns 0 when the call arrived, -1 when the server is being stopped. */
static int await_call(struct hvm_slot *s, uint64_t want)
{
    struct nk_cpu *c = this_cpu();
    struct hvm_spin spin;
    hvm_spin_begin(&spin, hvm_idle_cycles());
    while (nk_load(&s->seq) != want) {
        if (stop_requested)
            return -1;
        if (c->nready) {
            nk_yield();
            hvm_spin_begin(&spin, hvm_idle_cycles());
        } else if (!hvm_spin_more(&spin)) {
            park_server(&s->seq, want);
            hvm_spin_begin(&spin, hvm_idle_cycles());
        } else {
            arch_cpu_relax();
        }
    }
    return 0;
}

/* One server: take tickets in order and answer them until a stop call. Servers on several
 * CPUs share the ticket counter, so calls spread over them in turn. */
static void *serve_loop(void *arg)
{
    (void)arg;
    struct hvm_comm *comm = hvm_comm;
    nk_fetch_add(&comm->call_server_mask, 1ull << my_cpu_id());
    while (!stop_requested) {
        uint64_t t = nk_fetch_add(&comm->call_server_ticket, 1);
        struct hvm_slot *s = &comm->call[t % HVM_CALL_NSLOTS];
        uint64_t want = 4 * (t / HVM_CALL_NSLOTS) + HVM_SLOT_POSTED;
        if (await_call(s, want) < 0)
            break;
        serve_one(s, want, t % HVM_CALL_NSLOTS);
    }
    __atomic_fetch_and(&comm->call_server_mask, ~(1ull << my_cpu_id()), __ATOMIC_SEQ_CST);
    return NULL;
}

NK_CMDLINE_KEY(hvm_servers, "CPUs serving the call ring (default 1)");

int hvm_call_serve(void)
{
    if (!hvm_comm) {
        printk("hvm: no communication area (not booted by our VMM): nothing to serve\n");
        return -1;
    }
    char v[16];
    int n = 1;
    if (cmdline_get(nk_boot_params->cmdline, "hvm_servers", v, sizeof v)) {
        unsigned long u = nk_strtoul(v, NULL, 10);   /* clamped before the cast: no wrap */
        n = u < 1 ? 1 : u > (unsigned long)nk_cpu_count() ? nk_cpu_count() : (int)u;
    }
    register_builtins();
    stop_requested = 0;
    struct nk_thread *others[NK_MAX_CPUS];
    for (int i = 1; i < n; i++)
        others[i] = nk_thread_create(serve_loop, NULL, (my_cpu_id() + i) % nk_cpu_count(), 0);
    printk("hvm: %d call server%s, first on CPU %d\n", n, n > 1 ? "s" : "", my_cpu_id());
    serve_loop(NULL);
    for (int i = 1; i < n; i++)
        if (others[i])
            nk_thread_join(others[i], NULL);
    printk("hvm: call servers stopped\n");
    return 0;
}

static void copy_args(uint64_t *dst, const uint64_t *args, int nargs)
{
    for (int i = 0; i < HVM_MAX_ARGS; i++)
        dst[i] = i < nargs ? args[i] : 0;
}

int hvm_ros_call(uint32_t fn, const uint64_t *args, int nargs, uint64_t *result)
{
    struct hvm_comm *comm = hvm_comm;
    /* No ROS thread polls the ring right now: waking one costs an exit plus a host thread
     * wake-up, so the synchronous exit (served on this vCPU's own thread) is quicker. */
    if (nk_load(&comm->req_ros_parked))
        return hvm_ros_call_sync(fn, args, nargs, result);
    uint64_t t = nk_fetch_add(&comm->req_head, 1);
    struct hvm_slot *s = &comm->req[t % HVM_REQ_NSLOTS];
    uint64_t lap = t / HVM_REQ_NSLOTS;
    while (nk_load(&s->seq) != 4 * lap)
        nk_relax();
    s->fn = fn;
    s->flags = 0;
    copy_args(s->args, args, nargs);
    nk_store(&s->seq, 4 * lap + HVM_SLOT_POSTED);
    nk_mb();                              /* pairs with the ROS's fence after it parks */
    if (nk_load(&comm->req_ros_parked))
        hvm_outl(HVM_PORT_ROS_WAKE, 0);
    while (nk_load(&s->seq) != 4 * lap + HVM_SLOT_DONE)
        nk_relax();
    *result = s->result;
    int status = (int)s->status;
    nk_store(&s->seq, 4 * (lap + 1));
    return status;
}

int hvm_ros_call_sync(uint32_t fn, const uint64_t *args, int nargs, uint64_t *result)
{
    /* The request sits in this CPU's block from the first store to the last load: with
     * interrupts on (ring0 preempts), another thread switched in here could overwrite it. */
    unsigned long f = arch_irq_save();
    struct hvm_cpu_block *b = &hvm_comm->cpu[my_cpu_id()];
    b->sync_fn = fn;
    copy_args(b->sync_args, args, nargs);
    hvm_outl(HRT_PORT_HYPERCALL, (uint32_t)my_cpu_id());
    *result = b->sync_result;
    int status = (int)b->sync_status;
    arch_irq_restore(f);
    return status;
}

/* tests=hvm_serve turns the kernel into the HVM's call server (only when named). */
NK_TEST(hvm_serve, NK_MANUAL)
{
    return hvm_call_serve();
}

/* ---- Self-test: a parked server is woken while another thread spins on its CPU ---------- */

static volatile int relax_release, relax_spinning;

static void *relax_spinner(void *arg)
{
    (void)arg;
    nk_store(&relax_spinning, 1);
    while (!nk_load(&relax_release))      /* a polite spin (a runtime's spin-wait): nk_relax */
        nk_relax();
    return NULL;
}

static void *serve_body(void *arg)
{
    (void)arg;
    return (void *)(long)hvm_call_serve();
}

/* Posts fn(x) under ticket t as the ROS does. */
static struct hvm_slot *post_call(uint64_t t, uint32_t fn, uint64_t x)
{
    struct hvm_slot *s = &hvm_comm->call[t % HVM_CALL_NSLOTS];
    s->fn = fn;
    s->flags = 0;
    s->args[0] = x;
    nk_store(&s->seq, 4 * (t / HVM_CALL_NSLOTS) + HVM_SLOT_POSTED);
    return s;
}

static int answered_within(struct hvm_slot *s, uint64_t t, uint64_t ns)
{
    uint64_t end = arch_cycles() + nk_ns_to_cycles(ns);
    while (nk_load(&s->seq) != 4 * (t / HVM_CALL_NSLOTS) + HVM_SLOT_DONE)
        if (arch_cycles() > end)
            return 0;
        else
            nk_relax();
    return 1;
}

/* The server parks after its idle spin and counts on its CPU's idle thread to wake it; a
 * thread spinning with nk_relax on that CPU kept the idle thread from ever running, so the
 * call waited for as long as the spinner spun (for good when it spun for that very call). */
NK_TEST(hvm_parked_server_wakes_under_spinner, NK_QUICK)
{
    if (!hvm_comm || nk_cpu_count() < 2 || nk_load(&hvm_comm->call_server_mask))
        return 0;                         /* no ring, no second CPU, or a server already runs */
    int cpu = nk_cpu_count() - 1;
    uint64_t t0 = nk_load(&hvm_comm->call_server_ticket);
    uint64_t seq0 = hvm_comm->call[t0 % HVM_CALL_NSLOTS].seq;
    uint64_t seq1 = hvm_comm->call[(t0 + 1) % HVM_CALL_NSLOTS].seq;
    relax_release = relax_spinning = 0;
    struct nk_thread *server = nk_thread_create(serve_body, NULL, cpu, 0);
    NK_CHECK(server, "cannot start a server on CPU %d", cpu);
    uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
    while (!nk_load(&parked[cpu].thread) && arch_cycles() < end)
        nk_relax();
    int was_parked = nk_load(&parked[cpu].thread) != NULL;
    struct nk_thread *spinner = nk_thread_create(relax_spinner, NULL, cpu, 0);
    while (spinner && !nk_load(&relax_spinning))
        nk_relax();
    struct hvm_slot *s = post_call(t0, HVM_FN_ECHO, 0x5eed);
    /* Microseconds when both vCPUs run; a loaded host stalls one for tens of ms (measured
     * 10-50 ms at load 7 on 2 cores). Before the fix it never came while the spinner spun. */
    int in_time = answered_within(s, t0, 1000000000ull);            /* 1 s */
    nk_store(&relax_release, 1);                                    /* then clean up anyway */
    int answered = answered_within(s, t0, 2000000000ull);
    struct hvm_slot *stop = post_call(t0 + 1, HVM_FN_STOP, 0);
    int stopped = answered_within(stop, t0 + 1, 2000000000ull);
    if (spinner)
        nk_thread_join(spinner, NULL);
    if (stopped)
        nk_thread_join(server, NULL);
    uint64_t echoed = s->result;
    s->seq = seq0;                        /* the ring as the ROS left it: its tickets start at t0 */
    stop->seq = seq1;
    nk_store(&hvm_comm->call_server_ticket, t0);
    NK_CHECK(spinner && was_parked, "set-up: spinner %p, server parked %d", (void *)spinner, was_parked);
    NK_CHECK(answered && stopped && echoed == 0x5eed, "the server never answered (echo %d, stop %d)",
             answered, stopped);
    NK_CHECK(in_time, "a call to the parked server on CPU %d waited for a spinning thread there", cpu);
    return 0;
}
