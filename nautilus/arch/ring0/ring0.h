/*
 * Internal interfaces between the ring0 arch files (not seen by the core).
 */
#ifndef RING0_H
#define RING0_H

#include <stdint.h>
#include <nk/boot.h>

#define VEC_TIMER    32
#define VEC_KICK     33
#define VEC_HALT     34
#define VEC_SPURIOUS 0xff

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* SAFETY (all port/MSR/CR helpers): ring0 only; the constraints name every operand. */
static inline void outb(uint16_t port, uint8_t v) { __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ __volatile__("mov %0, %%cr3" :: "r"(v) : "memory"); }

/* multiboot.c */
int mb_parse(uint32_t magic, uint32_t info, struct nk_boot *b);
/* serial.c */
void serial_init(void);
void serial_write(const char *s, uint64_t n);
/* trap.c */
void idt_init(void);
void idt_load(void);
typedef int (*trap_hook_fn)(struct trap_frame *f);
void trap_set_hook(int vector, trap_hook_fn fn);
/* apic.c */
void apic_init_cpu(void);
const char *apic_mode(void);
void apic_eoi(void);
uint32_t apic_id(void);
void apic_send_ipi(uint32_t apic_id, uint32_t low);
void apic_ipi_all_but_self(int vector);
void apic_timer_start(int hz);
void apic_timer_stop(void);
int apic_calibrate(void);
/* acpi.c: fill b->apic_ids / ncpus from the MADT; -1 if no MADT */
int acpi_find_cpus(struct nk_boot *b);
/* The CPUs of one MADT (the table with its header) into b->apic_ids / ncpus. */
void acpi_madt_cpus(const void *madt, struct nk_boot *b);
/* Puts the boot CPU (APIC `me`) in slot 0, adding it where the table left it out. */
void acpi_boot_cpu_first(struct nk_boot *b, uint32_t me);
/* paging.c */
int paging_init(struct nk_boot *b);
int paging_guard_null(void);
/* Under our VMM (its HRT tag names a communication area): arch/hvm's services (hvm.c), and
 * the idle halt that tells the VMM it dozes. */
void ring0_hvm_init(struct nk_boot *b, uint64_t tsc_hz);
void ring0_hvm_idle(void);
/* pit.c */
uint64_t pit_calibrate_tsc(void);
void pit_delay_us(uint64_t us);
/* smp.c */
extern volatile int ring0_ap_up;

extern uint64_t ring0_tsc_hz;
extern uint64_t ring0_cr3;

#endif
