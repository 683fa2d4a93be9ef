/* Never answers: spins at full speed (no exits), so only a timeout can end it. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    puts_com1("spinning forever\n");
    for (volatile uint64_t i = 0;; i++)
        ;
}
