/*
 * IDT and trap dispatch: device vectors (timer, kick, halt) and exceptions. An unexpected
 * exception prints vector, error code, RIP, CR2, the registers and a backtrace, then stops
 * every CPU and exits with the panic code. Tests may hook a vector (e.g. int3) to check
 * that traps are delivered and resumed.
 */
#include <nk/printk.h>
#include <nk/arch.h>
#include <nk/thread.h>
#include <nk/mem.h>
#include "ring0.h"

struct idt_entry {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
static trap_hook_fn hooks[256];
extern uint64_t isr_table[256];

static const char *names[32] = {
    "#DE divide", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound",
    "#UD invalid opcode", "#NM no FPU", "#DF double fault", "coproc", "#TS bad TSS",
    "#NP not present", "#SS stack", "#GP general protection", "#PF page fault", "15",
    "#MF x87", "#AC alignment", "#MC machine check", "#XM SIMD", "#VE virtualization",
    "#CP control protection",
};

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = isr_table[v];
        idt[v] = (struct idt_entry){ (uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16),
                                     (uint32_t)(a >> 32), 0 };
    }
    idt_load();
}

void idt_load(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p =
        { sizeof idt - 1, (uint64_t)idt };
    /* SAFETY: p describes the static IDT above, whose entries all point at isr.S stubs. */
    __asm__ __volatile__("lidt %0" :: "m"(p));
}

void trap_set_hook(int vector, trap_hook_fn fn)
{
    hooks[vector] = fn;
}

static void dump(struct trap_frame *f)
{
    const char *name = f->vector < 32 && names[f->vector] ? names[f->vector] : "interrupt";
    printk("PANIC: exception %lu (%s) on CPU %u, error %lx\n", f->vector, name, apic_id(),
           f->error);
    printk("  rip %016lx  cr2 %016lx  rflags %lx  cs %lx\n", f->rip, read_cr2(), f->rflags,
           f->cs);
    if (f->vector == 14 && read_cr2() < NK_PAGE_SIZE)
        printk("  (a NULL pointer: page 0 is not mapped)\n");
    printk("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    printk("  rsi %016lx  rdi %016lx  rbp %016lx  rsp %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
    printk("  r8  %016lx  r9  %016lx  r10 %016lx  r11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
    printk("  r12 %016lx  r13 %016lx  r14 %016lx  r15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
    nk_backtrace(f->rbp);
}

/* The timer may switch threads: keep the preempted thread's SSE/x87 state (the core is
 * built without SSE, but code linked into the kernel, like the HRT runtime, uses it). */
static void timer_tick(void)
{
    uint8_t fx[512] __attribute__((aligned(16)));
    /* SAFETY: fx is a 16-byte aligned 512-byte buffer, as fxsave/fxrstor require. */
    __asm__ __volatile__("fxsave %0" : "=m"(fx));
    apic_eoi();
    nk_sched_tick();
    __asm__ __volatile__("fxrstor %0" :: "m"(fx));
}

void trap_dispatch(struct trap_frame *f)
{
    int v = (int)f->vector;
    if (hooks[v] && hooks[v](f))
        return;
    switch (v) {
    case VEC_TIMER:
        timer_tick();
        return;
    case VEC_KICK:
        apic_eoi();
        return;
    case VEC_HALT:
        for (;;)
            __asm__ __volatile__("cli; hlt");
    case VEC_SPURIOUS:
        return;
    }
    static volatile int dumping;
    if (__atomic_fetch_add(&dumping, 1, __ATOMIC_SEQ_CST) == 0) {
        console_panic_mode();
        dump(f);                          /* a fault inside the dump skips straight to exit */
    }
    arch_panic_stop("unexpected exception");
}
