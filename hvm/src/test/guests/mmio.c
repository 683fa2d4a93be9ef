/* Touches guest-physical memory that no memory slot backs: it maps 2 MiB at 200 MiB in its
   own page tables (they are guest memory, identity-mapped), then reads it; KVM reports the
   access as MMIO, which no device serves. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    uint64_t pml4 = 0x1000;                                  /* hvm's Layout.PAGE_TABLES */
    uint64_t pdpt = *(volatile uint64_t *)pml4 & ~0xfffull;
    uint64_t pd = *(volatile uint64_t *)pdpt & ~0xfffull;
    uint64_t va = 200ull << 20;
    ((volatile uint64_t *)pd)[va >> 21] = va | 0x87;          /* present, write, user, 2 MiB */
    puts_com1("touching unbacked memory\n");
    (void)*(volatile uint64_t *)va;
    guest_exit(0);
}
