/*
 * printk and snprintf: a small formatter, a console lock so lines from different CPUs do
 * not interleave, and the shared-memory log ring the VMM drains without VM exits.
 */
#include <stdint.h>
#include <nk/printk.h>
#include <nk/string.h>
#include <nk/sync.h>
#include <nk/arch.h>
#include <nk/cpu.h>

static nk_spinlock_t console_lock = NK_SPINLOCK_INIT;
static struct hrt_log_ring *log_ring;
static volatile int panicking;

struct out { char *buf; size_t size, pos; };

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

/* prec: minimum digits (-1: none); sign: the sign character or 0; alt: a "0x" prefix. */
static void put_num(struct out *o, unsigned long long v, int base, int upper,
                    char sign, int width, char pad, int left, int prec, const char *alt)
{
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int zeros = prec > n ? prec - n : 0;
    if (prec >= 0)
        pad = ' ';                        /* printf: a precision turns off the '0' flag */
    int len = n + zeros + (sign != 0) + (alt ? (int)strlen(alt) : 0);
    if (pad != '0')
        for (; !left && len < width; len++)
            put(o, ' ');
    if (sign)
        put(o, sign);
    for (; alt && *alt; alt++)
        put(o, *alt);
    for (; !left && len < width; len++)
        put(o, '0');
    while (zeros--)
        put(o, '0');
    while (n)
        put(o, tmp[--n]);
    for (; left && len < width; len++)
        put(o, ' ');
}

/* prec: at most that many bytes of s (-1: all). */
static void put_str(struct out *o, const char *s, int width, int left, int prec)
{
    if (!s)
        s = "(null)";
    int len = (int)strnlen(s, prec >= 0 ? (size_t)prec : (size_t)-1);
    for (; !left && len < width; width--)
        put(o, ' ');
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    for (; left && len < width; width--)
        put(o, ' ');
}

int nk_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *f; f++) {
        if (*f != '%') { put(&o, *f); continue; }
        f++;
        /* The whole printf syntax gcc's format check accepts (flags, '*', precision): a
         * piece left unparsed would print literally and shift every later argument. */
        int left = 0, width = 0, lng = 0, prec = -1, alt = 0;
        char pad = ' ', sign = 0;
        for (;; f++) {
            if (*f == '-') left = 1;
            else if (*f == '0') pad = '0';
            else if (*f == '#') alt = 1;
            else if (*f == '+') sign = '+';
            else if (*f == ' ') sign = sign ? sign : ' ';
            else break;
        }
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0)
                left = 1, width = -width;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                prec = prec < 0 ? -1 : prec;
                f++;
            }
            while (*f >= '0' && *f <= '9')
                prec = prec * 10 + (*f++ - '0');
        }
        if (left)
            pad = ' ';
        int half = 0;                     /* h: short, hh: char (promoted to int) */
        while (*f == 'l' || *f == 'z' || *f == 'h') { lng += *f != 'h'; half += *f == 'h'; f++; }
        unsigned long long u;
        long long s;
        switch (*f) {
        case 'd': case 'i':
            s = lng ? va_arg(ap, long long) : va_arg(ap, int);
            s = half == 1 ? (short)s : half > 1 ? (signed char)s : s;
            put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, 10, 0,
                    s < 0 ? '-' : sign, width, pad, left, prec, NULL);
            break;
        case 'u': case 'x': case 'X':
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            u = half == 1 ? (unsigned short)u : half > 1 ? (unsigned char)u : u;
            put_num(&o, u, *f == 'u' ? 10 : 16, *f == 'X', 0, width, pad, left, prec,
                    alt && u && *f != 'u' ? (*f == 'X' ? "0X" : "0x") : NULL);
            break;
        case 'p':
            put_num(&o, (unsigned long)va_arg(ap, void *), 16, 0, 0, width, pad, left, prec, "0x");
            break;
        case 's': put_str(&o, va_arg(ap, const char *), width, left, prec); break;
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case '%': put(&o, '%'); break;
        case 0: f--; break;
        default: put(&o, '%'); put(&o, *f); break;
        }
    }
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = 0;
    return (int)o.pos;
}

int nk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = nk_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void console_set_log_ring(struct hrt_log_ring *ring)
{
    log_ring = ring;
}

/* Caller holds console_lock. Drops bytes (and counts them) when the VMM lags. */
static void log_ring_write(const char *s, size_t n)
{
    struct hrt_log_ring *r = log_ring;
    for (size_t i = 0; i < n; i++) {
        if (r->head - r->tail >= r->size) {
            r->dropped++;
            continue;
        }
        r->data[r->head & (r->size - 1)] = s[i];
        __atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
    }
}

void console_panic_mode(void)
{
    panicking = 1;
}

void console_write(const char *s, size_t n)
{
    if (panicking) {
        if (log_ring)
            log_ring_write(s, n);
        arch_console_write(s, n);
        return;
    }
    unsigned long f = nk_spin_lock_irq(&console_lock);
    if (log_ring)
        log_ring_write(s, n);
    arch_console_write(s, n);
    nk_spin_unlock_irq(&console_lock, f);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = nk_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_write(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

void nk_backtrace(unsigned long rbp)
{
    printk("backtrace (addr2line -e nautilus-<profile>.elf ADDR):\n");
    for (int i = 0; i < 16 && rbp >= 0x1000 && !(rbp & 7); i++) {
        unsigned long *fp = (unsigned long *)rbp;
        if (!fp[1])
            break;
        printk("  #%d %016lx\n", i, fp[1]);
        if (fp[0] <= rbp)
            break;
        rbp = fp[0];
    }
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    nk_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    arch_irq_disable();
    console_panic_mode();
    printk("PANIC on CPU %d: %s\n", nk_cpus[0] ? my_cpu_id() : 0, buf);
    nk_backtrace((unsigned long)__builtin_frame_address(0));
    arch_panic_stop(buf);
}
