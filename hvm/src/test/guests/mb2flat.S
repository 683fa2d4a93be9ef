/* A flat (non-ELF) multiboot2 kernel for the ring0 loader's tests: loaded by its address tag,
   entered by its entry tag. It checks the machine state the spec promises (EAX magic, CR0 PE
   set and PG clear, IF clear), prints the command-line tag to COM1 and exits 0 (1 on a
   broken promise) through port 0xf4. A command line starting with 's' spins instead, 'p'
   writes to port 0x99, which nobody serves, 't' executes ud2 with the IDT limit 0 the
   loader left: a fault that cannot be delivered, i.e. a triple fault, 'm' reads guest-physical
   memory that no slot backs (a deprivileged guest cannot: its page tables are read-only). Linked at 1 MiB, assembled as 32-bit code. */
    .code32
    .text
    .globl start
header:
    .long 0xe85250d6, 0, header_end - header, -(0xe85250d6 + (header_end - header))
    .balign 8, 0
    .short 2, 0                   /* address tag */
    .long 24
    .long header, header, load_end, bss_end
    .balign 8, 0
    .short 3, 0                   /* entry tag */
    .long 12
    .long start
    .balign 8, 0
    .short 0, 0                   /* end tag */
    .long 8
header_end:

start:
    movl $bss_end, %esp           /* ESP is undefined at entry: our own stack, in the bss */
    cmpl $0x36d76289, %eax
    jne fail
    movl %cr0, %ecx
    testl $0x80000000, %ecx
    jnz fail
    testl $1, %ecx
    jz fail
    pushfl
    popl %ecx
    testl $0x200, %ecx
    jnz fail
    cmpl $0, bss_word             /* the loader zeroes [load_end, bss_end) */
    jne fail
    leal 8(%ebx), %esi            /* first tag */
1:  movl (%esi), %ecx
    testl %ecx, %ecx
    jz fail                       /* end tag before any command line */
    cmpl $1, %ecx
    je 2f
    movl 4(%esi), %ecx
    addl $7, %ecx
    andl $~7, %ecx
    addl %ecx, %esi
    jmp 1b
2:  addl $8, %esi
    movl %esi, %edi
    movw $0x3f8, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  movb $'\n', %al
    outb %al, %dx
    cmpb $'s', (%edi)
5:  je 5b                         /* "spin": a guest that stops answering */
    cmpb $'p', (%edi)
    jne 6f
    movw $0x99, %dx
    outb %al, %dx                 /* "port": an unexpected port */
6:  cmpb $'t', (%edi)
    jne 7f
    ud2                           /* "triple": #UD, no IDT -> #DF -> shutdown */
7:  cmpb $'m', (%edi)
    jne 8f
    movl 0xc800000, %eax          /* "mmio": paging is off, so this is guest-physical 200 MiB, */
8:                                /* which no memory slot backs */
    xorl %eax, %eax
    jmp done
fail:
    movl $1, %eax
done:
    movw $0xf4, %dx
    outl %eax, %dx
    hlt
    .align 4
load_end:
    .set bss_word, load_end
    .set bss_end, load_end + 4096
    .section .note.GNU-stack, "", @progbits
