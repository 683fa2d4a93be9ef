/* Dereferences NULL as a buggy HRT would: a field of a NULL struct pointer, read (command line
   "read") or written (anything else). The VMM leaves guest-virtual page 0 unmapped, so the
   access faults at CPL3 and ends the VM at once, before it can touch the page tables at 0x1000. */
#include "guest.h"

struct node {
    uint64_t key;
    uint64_t pad[2];
    uint64_t value;                       /* at offset 0x18 */
};

void guest_main(struct hrt_boot_info *bi, uint64_t cpu)
{
    const char *cmd = (const char *)bi->cmdline;
    struct node *n = 0;
    __asm__ __volatile__("" : "+r"(n));   /* hide the NULL from the compiler's own trap */
    if (cmd[0] == 'r') {
        puts_com1("reading through NULL\n");
        uint64_t v;
        __asm__ __volatile__("mov $0x6e756c6c, %%rbx; mov 0x18(%1), %0" : "=r"(v) : "r"(n) : "rbx");
        put_hex(v);                       /* not reached */
    } else {
        puts_com1("writing through NULL\n");
        __asm__ __volatile__("mov $0x6e756c6c, %%rbx; movq %%rbx, (%0)" :: "r"(n) : "rbx", "memory");
    }
    puts_com1("NULL access did not fault\n");
    guest_exit(3);
}
