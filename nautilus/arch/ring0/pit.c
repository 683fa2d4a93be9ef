/*
 * The 8254 PIT (channel 2, gated through port 0x61) as a known clock: TSC calibration and
 * the short delays of INIT-SIPI-SIPI. Also masks the legacy 8259 PICs.
 */
#include "ring0.h"
#include <nk/arch.h>

#define PIT_HZ 1193182

/* Busy-wait count/PIT_HZ seconds on channel 2 (mode 0, one shot). */
static void pit_wait(uint32_t count)
{
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    while (!(inb(0x61) & 0x20))
        ;
}

uint64_t pit_calibrate_tsc(void)
{
    uint64_t best = ~0ull;
    for (int i = 0; i < 3; i++) {             /* keep the shortest: least disturbed */
        uint64_t t0 = arch_cycles();
        pit_wait(PIT_HZ / 100);
        uint64_t d = arch_cycles() - t0;
        if (d < best)
            best = d;
    }
    return best * 100;
}

void pit_delay_us(uint64_t us)
{
    while (us) {
        uint64_t n = us > 10000 ? 10000 : us;
        pit_wait((uint32_t)(n * PIT_HZ / 1000000) + 1);
        us -= n;
    }
}
