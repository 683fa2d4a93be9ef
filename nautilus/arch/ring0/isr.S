/*
 * Interrupt and exception entry stubs: push a uniform frame (struct trap_frame in ring0.h),
 * call trap_dispatch(frame), restore and iretq. The timer handler may switch threads inside
 * trap_dispatch; the frame stays on the preempted thread's stack until it resumes.
 */
    .text
    .altmacro

.macro STUB n
    .align 16
isr_\n:
    .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0                    /* no error code: keep the frame uniform */
    .endif
    pushq $\n
    jmp isr_common
.endm

.set i, 0
.rept 256
    STUB %i
    .set i, i + 1
.endr

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call trap_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              /* vector, error code */
    iretq

.macro ADDR n
    .quad isr_\n
.endm
    .section .rodata
    .align 8
    .globl isr_table
isr_table:
.set i, 0
.rept 256
    ADDR %i
    .set i, i + 1
.endr
    .section .note.GNU-stack, "", @progbits
