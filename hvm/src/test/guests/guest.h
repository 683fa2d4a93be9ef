/* What every test guest needs: port I/O, COM1 text, exit and panic, the boot info. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <hrt/boot.h>
#include <hvm_comm.h>

/* SAFETY: port I/O at CPL3 is a VM exit served by our VMM; it is the point of these guests. */
static inline void outb(uint16_t port, uint8_t v) { __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void mfence(void) { __asm__ __volatile__("mfence" ::: "memory"); }

static inline void puts_com1(const char *s)
{
    while (*s)
        outb(HRT_PORT_COM1, (uint8_t)*s++);
}

static inline void put_hex(uint64_t v)
{
    char buf[19] = "0x";
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[18] = 0;
    puts_com1(buf);
}

static inline __attribute__((noreturn)) void guest_exit(uint32_t code)
{
    outl(HRT_PORT_EXIT, code);
    for (;;)
        relax();
}

void guest_main(struct hrt_boot_info *bi, uint64_t cpu) __attribute__((noreturn));

/* HRT->ROS request through the ring, as the kernel posts one: handler fn(a, b), answered by a
 * Java thread; waits for the answer and frees the slot. */
static inline uint64_t ros_request(struct hvm_comm *c, uint32_t fn, uint64_t a, uint64_t b, uint32_t *status)
{
    uint64_t t = __atomic_fetch_add(&c->req_head, 1, __ATOMIC_SEQ_CST);
    struct hvm_slot *s = &c->req[t % HVM_REQ_NSLOTS];
    uint64_t lap = t / HVM_REQ_NSLOTS;
    while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != 4 * lap)
        relax();
    s->fn = fn;
    s->args[0] = a;
    s->args[1] = b;
    __atomic_store_n(&s->seq, 4 * lap + HVM_SLOT_POSTED, __ATOMIC_RELEASE);
    mfence();
    if (c->req_ros_parked)
        outl(HVM_PORT_ROS_WAKE, 0);
    while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != 4 * lap + HVM_SLOT_DONE)
        relax();
    uint64_t r = s->result;
    *status = s->status;
    __atomic_store_n(&s->seq, 4 * (lap + 1), __ATOMIC_RELEASE);
    return r;
}

#endif
