/* A minimal call server for the VMM's ring tests: CPU 0 serves the call ring (null, echo,
   fill, sum, ros-request); every other CPU dozes. Idle for ~50 us, the server dozes too. */
#include "guest.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void doze(struct hvm_comm *c, int cpu, volatile uint64_t *seq, uint64_t want)
{
    c->cpu[cpu].dozing = 1;
    mfence();
    if (!seq || *seq != want)
        outl(HRT_PORT_DOZE, cpu);
    c->cpu[cpu].dozing = 0;
    c->cpu[cpu].wake = 0;
}

/* HRT->ROS request through the hypercall exit. */
static uint64_t ros_request_sync(struct hvm_comm *c, int cpu, uint32_t fn, uint64_t a, uint32_t *status)
{
    c->cpu[cpu].sync_fn = fn;
    c->cpu[cpu].sync_args[0] = a;
    outl(HRT_PORT_HYPERCALL, cpu);
    *status = c->cpu[cpu].sync_status;
    return c->cpu[cpu].sync_result;
}

static void serve(struct hvm_comm *c, struct hvm_slot *s)
{
    uint64_t *p = (uint64_t *)s->args[0];
    uint32_t st = HVM_STATUS_OK;
    uint64_t r = 0;
    switch (s->fn) {
    case 0: break;                                          /* null */
    case 1: r = s->args[0]; break;                          /* echo */
    case 2: for (uint64_t i = 0; i < s->args[1]; i++) p[i] = s->args[2] + i; r = s->args[1]; break;
    case 3: for (uint64_t i = 0; i < s->args[1]; i++) r += p[i]; break;
    case 4: r = ros_request(c, (uint32_t)s->args[0], s->args[1], 0, &st); break;
    case 5: r = ros_request_sync(c, 0, (uint32_t)s->args[0], s->args[1], &st); break;
    default: st = HVM_STATUS_NO_FUNCTION; break;
    }
    s->result = r;
    s->status = st;
}

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    struct hvm_comm *c = (struct hvm_comm *)bi->comm;
    uint64_t idle = bi->tsc_hz ? bi->tsc_hz / 20000 : 100000;   /* ~50 us */
    if (cpu == 0)
        c->call_server_mask = 1;
    __atomic_fetch_add(&bi->ready, 1, __ATOMIC_SEQ_CST);
    if (cpu != 0)
        for (;;)
            doze(c, cpu, 0, 0);
    for (uint64_t t = 0;; t++) {
        struct hvm_slot *s = &c->call[t % HVM_CALL_NSLOTS];
        uint64_t want = 4 * (t / HVM_CALL_NSLOTS) + HVM_SLOT_POSTED;
        uint64_t start = rdtsc();
        while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != want) {
            relax();
            if (rdtsc() - start > idle) {
                doze(c, 0, &s->seq, want);
                start = rdtsc();
            }
        }
        uint32_t flags = s->flags;      /* read before the slot goes back to the caller */
        serve(c, s);
        __atomic_store_n(&s->seq, want + 1, __ATOMIC_RELEASE);
        if (flags & HVM_FLAG_EXIT_PATH)
            outl(HVM_PORT_CALL_DONE, t % HVM_CALL_NSLOTS);
    }
}
