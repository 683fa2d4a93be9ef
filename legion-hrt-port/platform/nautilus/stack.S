/*
 * nkp_call_on_stack(fn, arg, stack_top): run fn(arg) on another stack and come back. Plain
 * user-mode instructions only; rbp keeps the caller's frame so backtraces cross over.
 */
    .text
    .globl nkp_call_on_stack
    .type nkp_call_on_stack, @function
nkp_call_on_stack:
    pushq %rbp
    movq %rsp, %rbp
    andq $-16, %rdx
    movq %rdx, %rsp
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq %rbp, %rsp
    popq %rbp
    ret
    .size nkp_call_on_stack, . - nkp_call_on_stack
    .section .note.GNU-stack, "", @progbits
