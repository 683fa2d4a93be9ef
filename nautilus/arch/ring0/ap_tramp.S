/*
 * AP start-up trampoline, copied to TRAMP_BASE (below 1 MiB) before INIT-SIPI-SIPI:
 * real mode -> protected mode -> long mode on the boot page tables, then ap_entry64 in the
 * kernel, which loads the kernel GDT and calls ring0_ap_main(cpu) on the given stack.
 * The BSP fills ap_cr3/ap_stack/ap_cpu (in the copy) before each SIPI.
 */
#define TRAMP_BASE 0x8000
#define T(x) ((x) - ap_tramp_start + TRAMP_BASE)

    .section .rodata
    .globl ap_tramp_start, ap_tramp_end, ap_tramp_cr3, ap_tramp_stack, ap_tramp_cpu
    .code16
ap_tramp_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl T(ap_gdt_ptr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $T(ap_pm32)

    .code32
ap_pm32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $0x620, %eax                      /* PAE | OSFXSR | OSXMMEXCPT */
    movl %eax, %cr4
    movl T(ap_tramp_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $0x100, %eax                      /* LME */
    wrmsr
    movl %cr0, %eax
    andl $~4, %eax
    orl $0x80000003, %eax                 /* PG | MP | PE */
    movl %eax, %cr0
    ljmp $0x18, $T(ap_lm64)

    .code64
ap_lm64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq T(ap_tramp_stack), %rsp
    movl T(ap_tramp_cpu), %edi
    movabsq $ap_entry64, %rax
    jmp *%rax

    .align 8
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff              /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff              /* 0x10: data */
    .quad 0x00af9a000000ffff              /* 0x18: 64-bit code */
ap_gdt_ptr:
    .short ap_gdt_ptr - ap_gdt - 1
    .long T(ap_gdt)
    .align 8
ap_tramp_cr3:   .quad 0
ap_tramp_stack: .quad 0
ap_tramp_cpu:   .long 0
ap_tramp_end:

    .text
    .code64
ap_entry64:
    lgdt boot_gdt_ptr
    pushq $0x08
    leaq 1f(%rip), %rax
    pushq %rax
    lretq
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %ebp, %ebp
    call ring0_ap_main
2:  cli
    hlt
    jmp 2b
    .section .note.GNU-stack, "", @progbits
