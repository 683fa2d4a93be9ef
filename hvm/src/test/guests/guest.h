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

#endif
