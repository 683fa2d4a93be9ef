/* Prints a line, then executes hlt, privileged at CPL3: #GP, which ends the VM (triple fault). */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    puts_com1("about to fault\n");
    __asm__ __volatile__("mov $0x1234abcd, %%rbx; hlt" ::: "rbx");
    guest_exit(0);
}
