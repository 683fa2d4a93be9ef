/*
 * 16550 UART on COM1, polled: 115200 8N1. Used by arch_console_write.
 */
#include "ring0.h"

#define COM1 0x3f8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* no interrupts */
    outb(COM1 + 3, 0x80);       /* DLAB */
    outb(COM1 + 0, 0x01);       /* divisor 1 = 115200 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1 */
    outb(COM1 + 2, 0xc7);       /* FIFO on */
    outb(COM1 + 4, 0x03);
}

static void putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, c);
}

void serial_write(const char *s, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            putc('\r');
        putc(s[i]);
    }
}
