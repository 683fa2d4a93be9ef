/* Writes to a port no device serves. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    outl(0x1234, 42);
    guest_exit(0);
}
