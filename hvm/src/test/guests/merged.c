/* Zero-copy check: sums the u64 words Java wrote at the start of the merged region, writes
   sum and a pattern back right after them (at the JVM's addresses), and exits 0. */
#include "guest.h"

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    uint64_t *p = (uint64_t *)bi->merged_base;
    uint64_t n = p[0], sum = 0;
    for (uint64_t i = 1; i <= n; i++)
        sum += p[i];
    p[n + 1] = sum;
    for (uint64_t i = 0; i < n; i++)
        p[n + 2 + i] = i * 3;
    guest_exit(bi->merged_base != 0 && bi->merged_size != 0 ? 0 : 9);
}
