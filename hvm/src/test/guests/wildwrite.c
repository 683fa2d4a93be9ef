/* Writes into the VMM's structures as a buggy HRT's stray store would: the page tables
   (command line "pagetable": the PML4 at 0x1000) or the GDT (anything else, 0x41008). The VMM
   maps them read-only, so the store faults at CPL3 and ends the VM with CR2 = the address;
   reading them is allowed. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    const char *cmd = (const char *)bi->cmdline;
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(cmd[0] == 'p' ? 0x1000 : 0x41008);
    uint64_t v = *p;                      /* a read must work */
    puts_com1("read the VMM's structure\n");
    __asm__ __volatile__("mov $0x77696c64, %%rbx; movq %0, (%1)" :: "r"(v + 1), "r"(p) : "rbx", "memory");
    puts_com1("stray write did not fault\n");
    guest_exit(3);
}
