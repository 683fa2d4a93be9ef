/*
 * depriv entry: the multiboot2 header whose HRT tag names depriv_entry64, the address our
 * VMM starts every vCPU at, in long mode at CPL3, with rdi = boot info, rsi = cpu index,
 * rsp = that CPU's stack and GS base = its per-CPU area. No privileged instruction here.
 */
#define HRT_MB2_HEADER_TAG 0x4854
#define HRT_PROFILE_DEPRIV 1
#define MB2_MAGIC          0xe85250d6

    .section .multiboot, "a"
    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                               /* i386 */
    .long mb2_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + (mb2_end - mb2_header))
    .align 8
    .short HRT_MB2_HEADER_TAG             /* struct hrt_header_tag */
    .short 1                              /* optional for other loaders */
    .long 32
    .quad depriv_entry64
    .long 1 << HRT_PROFILE_DEPRIV
    .long 4096                            /* percpu_size (NK_CPU_AREA_SIZE) */
    .quad 0
    .align 8
    .short 0, 0                           /* end tag */
    .long 8
mb2_end:

    .text
    .globl depriv_entry64
depriv_entry64:
    xorl %ebp, %ebp                       /* ends the frame-pointer chain for backtraces */
    call depriv_start                     /* (boot info, cpu): never returns */
    ud2                                   /* a fault ends the VM: the VMM reports where */
