/*
 * Kernel console output: printk (serial through the arch, plus the shared-memory log ring
 * when the VMM gave one), snprintf, and panic.
 */
#ifndef NK_PRINTK_H
#define NK_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <hrt/boot.h>

/* Formats: %d %i %u %x %X %p %s %c %% with h/l/ll/z, width and precision (also *), flags - 0 # + space. */
int nk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int nk_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Also copy console output into ring (a VMM reads it without exits). */
void console_set_log_ring(struct hrt_log_ring *ring);
void console_write(const char *s, size_t n);
/* From now on print without the console lock (a panicking CPU may have interrupted its
 * holder); called by panic and by the arch's exception path. */
void console_panic_mode(void);

/* Print the message, the CPU and a backtrace, then stop every CPU (exit code 2). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Walk the frame-pointer chain from rbp, printing return addresses. */
void nk_backtrace(unsigned long rbp);

#define NK_ASSERT(c) do { if (!(c)) panic("%s:%d: assertion failed: %s", \
                                           __FILE__, __LINE__, #c); } while (0)

#endif /* NK_PRINTK_H */
