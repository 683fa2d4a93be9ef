/*
 * Thread context switch: only the callee-saved registers (the C calling convention saves
 * the rest); the interrupt flag is restored by the code the thread resumes in. No
 * privileged instruction: shared by every profile.
 */
    .text
    .globl nk_switch
    .type nk_switch, @function
/* void nk_switch(uint64_t *save_rsp, uint64_t new_rsp) */
nk_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size nk_switch, . - nk_switch

/* First return of a new thread (frame built by thread.c): r12 = struct nk_thread *. */
    .globl nk_thread_entry
    .type nk_thread_entry, @function
nk_thread_entry:
    xorl %ebp, %ebp             /* ends backtraces here */
    movq %r12, %rdi
    call nk_thread_start
    ud2
    .size nk_thread_entry, . - nk_thread_entry
    .section .note.GNU-stack, "", @progbits
