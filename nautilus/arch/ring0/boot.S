/*
 * ring0 entry: multiboot1 (a.out kludge, so QEMU -kernel loads this ELF64 image) and
 * multiboot2 headers with the HRT header tag, the 32-bit entry that builds a 4 GiB identity
 * map with 2 MiB pages, enters long mode and calls ring0_boot(magic, info) in C.
 */
/* values from include/hrt/boot.h (C-only header): */
#define HRT_MB2_HEADER_TAG 0x4854
#define HRT_PROFILE_RING0  0

#define MB2_MAGIC     0xe85250d6
#define MB1_MAGIC     0x1badb002
#define MB1_FLAGS     0x00010002          /* mem info + address fields (a.out kludge) */
#define CR0_PE_MP_PG  0x80000003
#define CR4_PAE_SSE   0x00000620          /* PAE | OSFXSR | OSXMMEXCPT */
#define EFER_MSR      0xc0000080
#define EFER_LME      0x100

    .section .multiboot, "a"
    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                               /* i386 */
    .long mb2_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + (mb2_end - mb2_header))
    .align 8
hrt_tag:                                  /* struct hrt_header_tag */
    .short HRT_MB2_HEADER_TAG
    .short 1                              /* optional: plain GRUB ignores it */
    .long 32
    .quad 0                               /* entry64: ring0 has none (depriv's image has) */
    .long 1 << HRT_PROFILE_RING0
    .long 4096                            /* percpu_size (NK_CPU_AREA_SIZE) */
    .quad 0
    .align 8
    .short 0, 0                           /* end tag */
    .long 8
mb2_end:

    .align 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
    .long mb1_header                      /* header_addr */
    .long __load_start                    /* load_addr */
    .long __load_end                      /* load_end_addr */
    .long __bss_end                       /* bss_end_addr */
    .long _start32                        /* entry_addr */

    .section .boot32, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    movl %eax, boot_magic
    movl %ebx, boot_info
    movl $boot_stack_top, %esp
    /* pd[i] = i * 2 MiB | PS | RW | P, for 4 GiB */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, (%edi, %ecx, 8)
    movl $0, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b
    /* pdpt[i] = pd + i * 4 KiB, pml4[0] = pdpt */
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd + 3, %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 2b
    movl $boot_pdpt + 3, boot_pml4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $CR4_PAE_SSE, %eax
    movl %eax, %cr4
    movl $EFER_MSR, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    andl $~4, %eax                        /* EM off: SSE usable */
    orl $CR0_PE_MP_PG, %eax
    movl %eax, %cr0
    lgdt boot_gdt_ptr
    ljmp $0x08, $start64

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_magic, %edi
    movl boot_info, %esi
    call ring0_boot
3:  cli
    hlt
    jmp 3b

    .section .rodata
    .align 16
    .globl boot_gdt, boot_gdt_ptr
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff              /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff              /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss
    .align 4096
    .globl boot_pml4
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
    .align 16
boot_stack: .skip 16384
boot_stack_top:
boot_magic: .long 0
boot_info:  .long 0
    .section .note.GNU-stack, "", @progbits
