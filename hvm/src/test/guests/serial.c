/* Writes a greeting to COM1 (polling the line status like a real driver) and exits 0. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    while (!(inb(HRT_PORT_COM1 + 5) & 0x20))
        ;
    puts_com1("hello from the guest at CPL3\n");
    puts_com1("cmdline: ");
    puts_com1((const char *)bi->cmdline);
    puts_com1("\n");
    guest_exit(0);
}
