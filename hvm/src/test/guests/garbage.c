/* Writes garbage where the VMM reads what the guest wrote: the log ring's head and tail, the
   ready word, the CPU labels, the call ring's sequence numbers, and odd values to the known
   ports. The command line's first word picks what; GuestGarbageTest checks that each ends in
   a clear HvmException or is ignored, never an exception of another kind or a hang. */
#include "guest.h"

static int is(const char *cmd, const char *word)
{
    while (*word && *cmd == *word) {
        cmd++;
        word++;
    }
    return *word == 0 && (*cmd == 0 || *cmd == ' ');
}

/* head - tail = -1, a length no copy can have; or 2^63, which wraps to a zero-byte chunk that
   never advances the tail (the VMM's log thread spun there for good). */
static void garble_log_ring(struct hrt_boot_info *bi, int wrap)
{
    struct hrt_log_ring *r = (struct hrt_log_ring *)bi->log_ring;
    r->head = wrap ? 0x4000000000000000ull : 0x7fffffffffffffffull;
    r->tail = wrap ? 0xc000000000000000ull : 0x8000000000000000ull;
}

static const char panic_msg[] = "gave up after garbling the log ring";
static const char forged_panic[] = "real reason\n  vCPU 1: rip=0x0 (a forged line)\x1b[2J";

/* Spins until call slot 0 carries the first call, then answers it with a bogus sequence number. */
static void answer_with_bad_seq(struct hvm_comm *c)
{
    struct hvm_slot *s = &c->call[0];
    while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != HVM_SLOT_POSTED)
        relax();
    s->result = 42;
    s->status = HVM_STATUS_OK;
    __atomic_store_n(&s->seq, 0xdead0003ull, __ATOMIC_RELEASE);
    for (;;)
        relax();
}

/* Answers the first call with a status no call server gives and a result of garbage. */
static void answer_with_bad_status(struct hvm_comm *c)
{
    struct hvm_slot *s = &c->call[0];
    while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != HVM_SLOT_POSTED)
        relax();
    s->result = 0xfeedfacecafebeefull;
    s->status = 0xdeadbeefu;
    __atomic_store_n(&s->seq, HVM_SLOT_DONE, __ATOMIC_RELEASE);
    for (;;)
        relax();
}

/* Answers slot 0 correctly, then dirties slot 1 (free for the next call) before it is used. */
static void dirty_a_free_slot(struct hvm_comm *c)
{
    struct hvm_slot *s = &c->call[0];
    __atomic_store_n(&c->call[1].seq, 0x40000ull, __ATOMIC_RELEASE);
    while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != HVM_SLOT_POSTED)
        relax();
    s->result = 7;
    s->status = HVM_STATUS_OK;
    __atomic_store_n(&s->seq, HVM_SLOT_DONE, __ATOMIC_RELEASE);
    for (;;)
        relax();
}

/* Requests the ROS cannot serve as asked (no such handler, a handler that throws), through the
   ring and through the hypercall exit: each must come back with a status, never a hang. */
static void odd_requests(struct hvm_comm *c)
{
    uint32_t st;
    ros_request(c, 0xffffffffu, 1, 2, &st);
    puts_com1(st == HVM_STATUS_NO_FUNCTION ? "ring, no handler: no function\n" : "ring, no handler: ?\n");
    uint64_t r = ros_request(c, 1, ~0ull, 0x8000000000000000ull, &st);
    puts_com1(st == HVM_STATUS_OK && r == 0x7fffffffffffffffull ? "ring, adder: ok\n" : "ring, adder: ?\n");
    ros_request(c, 2, 0, 0, &st);
    puts_com1(st == HVM_STATUS_FAILED ? "ring, exception: failed\n" : "ring, exception: ?\n");
    ros_request(c, 3, 0, 0, &st);
    puts_com1(st == HVM_STATUS_FAILED ? "ring, error: failed\n" : "ring, error: ?\n");
    r = ros_request(c, 1, 40, 2, &st);
    puts_com1(st == HVM_STATUS_OK && r == 42 ? "ring, adder again: ok\n" : "ring, adder again: ?\n");
    c->cpu[0].sync_fn = 3;
    outl(HRT_PORT_HYPERCALL, 0);
    puts_com1(c->cpu[0].sync_status == HVM_STATUS_FAILED ? "exit, error: failed\n" : "exit, error: ?\n");
}

/* The same bad requests again and again, as a guest in a loop would post them. */
static void bad_requests_in_a_loop(struct hvm_comm *c)
{
    uint32_t st;
    for (int i = 0; i < 300; i++) {
        ros_request(c, 0xbad0 + i % 3, 0, 0, &st);
        ros_request(c, 2, 0, 0, &st);
    }
}

/* Odd values on the known ports: each must be ignored (or bounded) by the VMM. */
static void odd_ports(struct hvm_comm *c)
{
    outl(HRT_PORT_READY, 0);
    outl(HRT_PORT_READY, 1000);
    outl(HVM_PORT_KICK, 999);
    outl(HVM_PORT_KICK, 0xffffffffu);
    outl(HVM_PORT_CALL_DONE, 0xffffffffu);
    outl(HVM_PORT_CALL_DONE, 300);
    outl(HVM_PORT_ROS_WAKE, 0x12345678);
    c->cpu[0].wake = 1;                   /* a doze that returns at once */
    outl(HRT_PORT_DOZE, 63);              /* another CPU's index: the VMM dozes the caller's */
    c->cpu[0].sync_fn = 0xffffffffu;      /* no such handler */
    outl(HRT_PORT_HYPERCALL, 77);
    __asm__ __volatile__("outw %0, %1" :: "a"((uint16_t)0xffff), "Nd"((uint16_t)HRT_PORT_READY));
    puts_com1(c->cpu[0].sync_status == HVM_STATUS_NO_FUNCTION ? "hypercall: no function\n" : "hypercall: ?\n");
    c->call_server_mask = ~0ull;          /* every CPU of 64 a call server: the VMM may look at each */
}

/* A label without a NUL, with bytes that are not UTF-8 and a line break that would forge a
   report line; on the stack, which lives on while the guest faults. */
static void bad_label(struct hvm_comm *c, char *label)
{
    for (int i = 0; i < 80; i++)
        label[i] = (char)(0x80 + i);
    label[3] = '\n';
    label[4] = 'v';
    label[5] = '\r';
    label[6] = 0x1b;                      /* ESC: a terminal escape */
    c->cpu_label[0] = (uint64_t)(uintptr_t)label;
}

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    const char *cmd = (const char *)bi->cmdline;
    struct hvm_comm *c = (struct hvm_comm *)bi->comm;
    if (is(cmd, "logring-panic")) {
        garble_log_ring(bi, 0);
        outl(HRT_PORT_PANIC, (uint32_t)(uintptr_t)panic_msg);
    } else if (is(cmd, "panic-forge")) {
        outl(HRT_PORT_PANIC, (uint32_t)(uintptr_t)forged_panic);
    } else if (is(cmd, "logring-exit")) {
        garble_log_ring(bi, 0);
        guest_exit(5);
    } else if (is(cmd, "logring-wrap")) {
        garble_log_ring(bi, 1);
        guest_exit(6);
    } else if (is(cmd, "ready")) {
        bi->ready = 1000;
        outl(HRT_PORT_READY, 1000);
    } else if (is(cmd, "callseq")) {
        answer_with_bad_seq(c);
    } else if (is(cmd, "callstatus")) {
        answer_with_bad_status(c);
    } else if (is(cmd, "callfree")) {
        dirty_a_free_slot(c);
    } else if (is(cmd, "reqslow")) {
        uint32_t st;
        ros_request(c, 1, 111, 0, &st);  /* the ROS's handler takes seconds over this one */
    } else if (is(cmd, "reqseq")) {
        __atomic_store_n(&c->req[0].seq, 0xdead0005ull, __ATOMIC_RELEASE);   /* a lap the ROS never reaches */
    } else if (is(cmd, "request-loop")) {
        bad_requests_in_a_loop(c);
        guest_exit(0);
    } else if (is(cmd, "requests")) {
        odd_requests(c);
        guest_exit(0);
    } else if (is(cmd, "ports")) {
        odd_ports(c);
        guest_exit(9);
    } else if (is(cmd, "label")) {
        char label[80];
        bad_label(c, label);
        __asm__ __volatile__("ud2" ::: "memory");
    }
    for (;;)
        relax();
}
