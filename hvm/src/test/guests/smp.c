/* Every CPU checks its GS base (per-CPU area) and stack, counts itself in boot_info.ready,
   then waits for all; CPU 0 prints the count and exits 0. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    uint64_t gs;
    /* SAFETY: a GS-relative store/load into the per-CPU area the VMM mapped for this CPU. */
    __asm__ __volatile__("movq %1, %%gs:0; movq %%gs:0, %0" : "=r"(gs) : "r"(cpu + 1000));
    if (gs != cpu + 1000 || *(uint64_t *)(bi->percpu_base + cpu * HRT_PERCPU_STRIDE) != cpu + 1000)
        guest_exit(20 + cpu);
    __atomic_fetch_add(&bi->ready, 1, __ATOMIC_SEQ_CST);
    while (bi->ready < bi->ncpus)
        relax();
    if (cpu == 0) {
        puts_com1("all cpus up: ");
        put_hex(bi->ready);
        puts_com1("\n");
        guest_exit(0);
    }
    for (;;)
        relax();
}
