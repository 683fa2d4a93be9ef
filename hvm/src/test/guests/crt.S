/* Test-guest start-up: the multiboot2 header with our HRT tag, and entry64, which the VMM
   enters at CPL3 with rdi = boot info, rsi = cpu index, rsp = a 16-byte aligned stack. */
    .section .mb2hdr, "a"
    .align 8
mb2_start:
    .long 0xE85250D6
    .long 0
    .long mb2_end - mb2_start
    .long -(0xE85250D6 + (mb2_end - mb2_start))
    .align 8
    .short 0x4854           /* HRT_MB2_HEADER_TAG */
    .short 1                /* optional for other loaders */
    .long 32
    .quad entry64
    .long 2                 /* profiles: 1 << HRT_PROFILE_DEPRIV */
    .long 4096              /* per-CPU area */
    .quad 0
    .short 0                /* end tag */
    .short 0
    .long 8
mb2_end:

    .text
    .globl entry64
entry64:
    call guest_main
    ud2                     /* guest_main must not return: this faults and ends the VM */
