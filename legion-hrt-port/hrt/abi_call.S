/*
 * lhrt_hrt_abi_call(frame): call frame->fn as the System V AMD64 ABI says, with the
 * argument registers and stack words of a struct lhrt_hrt_frame (lhrt_hrt_call.h), and
 * store rax, rdx, xmm0, xmm1 back into it. User-mode instructions only.
 */
    .text
    .globl lhrt_hrt_abi_call
    .type lhrt_hrt_abi_call, @function
lhrt_hrt_abi_call:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rbx
    pushq %r12                      /* rsp is 16-byte aligned again */
    movq %rdi, %rbx                 /* the frame, kept in a callee-saved register */
    movl 0x08(%rbx), %ecx           /* nstack */
    cmpl $32, %ecx
    jbe 1f
    movl $32, %ecx
1:  leaq 15(,%rcx,8), %rax
    andq $-16, %rax
    subq %rax, %rsp                 /* room for the stack words, alignment kept */
    xorl %edx, %edx
2:  cmpl %ecx, %edx
    jae 3f
    movq 0xa8(%rbx,%rdx,8), %r11
    movq %r11, (%rsp,%rdx,8)
    incl %edx
    jmp 2b
3:  movq 0x40(%rbx), %xmm0
    movq 0x48(%rbx), %xmm1
    movq 0x50(%rbx), %xmm2
    movq 0x58(%rbx), %xmm3
    movq 0x60(%rbx), %xmm4
    movq 0x68(%rbx), %xmm5
    movq 0x70(%rbx), %xmm6
    movq 0x78(%rbx), %xmm7
    movq 0x10(%rbx), %rdi
    movq 0x18(%rbx), %rsi
    movq 0x20(%rbx), %rdx
    movq 0x28(%rbx), %rcx
    movq 0x30(%rbx), %r8
    movq 0x38(%rbx), %r9
    movl $8, %eax                   /* vector registers used, for variadic callees */
    call *(%rbx)
    movq %rax, 0x80(%rbx)
    movq %rdx, 0x88(%rbx)
    movq %xmm0, 0x90(%rbx)
    movq %xmm1, 0x98(%rbx)
    leaq -16(%rbp), %rsp
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size lhrt_hrt_abi_call, . - lhrt_hrt_abi_call
    .section .note.GNU-stack, "", @progbits
