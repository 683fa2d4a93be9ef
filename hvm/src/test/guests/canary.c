/* Built with -fstack-protector-all, as distributions build Linux libraries: every function
   with a frame reads its canary at %fs:0x28. The VMM's FS block must hold one (non-zero, low
   byte zero) and the thread pointer at %fs:0; exit 0 when all holds, else the failed check. */
#include "guest.h"

void __stack_chk_fail(void)
{
    puts_com1("stack smashing detected\n");
    guest_exit(9);
}

static uint64_t fs_load(uint64_t offset)
{
    uint64_t v;
    __asm__ __volatile__("mov %%fs:(%1), %0" : "=r"(v) : "r"(offset));
    return v;
}

/* A buffer on the stack: the protector guards this frame. */
static __attribute__((noinline)) int fill(volatile char *out, int n)
{
    char buf[64];
    for (int i = 0; i < n && i < (int)sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    out[0] = buf[n > 0 ? n - 1 : 0];
    return buf[0];
}

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    volatile char c = 0;
    uint64_t self = fs_load(0), guard = fs_load(0x28);
    puts_com1("fs:0 ");
    put_hex(self);
    puts_com1("\n");
    if (self < 0x1000)
        guest_exit(1);
    if (guard == 0 || (guard & 0xff) != 0)
        guest_exit(2);
    if (fill(&c, 40) != 'a' || c != 'n')
        guest_exit(3);
    guest_exit(0);
}
