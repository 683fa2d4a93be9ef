/* Reports a kernel panic through the panic port. */
#include "guest.h"

static const char msg[] = "test panic: the guest gave up";

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    outl(HRT_PORT_PANIC, (uint32_t)(uintptr_t)msg);
    for (;;)
        relax();
}
