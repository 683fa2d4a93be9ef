/*
 * vsnprintf for the HRT's libc: the C99 conversions the runtime's tests and benchmarks
 * print (d i u x X o p s c f F e E g G %, flags - + space 0 #, width and precision with *,
 * length hh h l ll z j t L). Floating point is exact enough for reports (17 digits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>

struct out { char *buf; size_t size, pos; };
struct spec { int left, plus, space, zero, alt, width, prec; char conv; };

static void put(struct out *o, char c) {
  if (o->pos + 1 < o->size) o->buf[o->pos] = c;
  o->pos++;
}

static void pad(struct out *o, char c, int n) {
  while (n-- > 0) put(o, c);
}

/* Emit sign/prefix, zero or space padding and the digits as one field. */
static void field(struct out *o, const struct spec *s, const char *pre, const char *body, int len) {
  int plen = (int)strlen(pre), total = plen + len;
  int fill = s->width > total ? s->width - total : 0;
  if (!s->left && !s->zero) pad(o, ' ', fill);
  for (int i = 0; i < plen; i++) put(o, pre[i]);
  if (!s->left && s->zero) pad(o, '0', fill);
  for (int i = 0; i < len; i++) put(o, body[i]);
  if (s->left) pad(o, ' ', fill);
}

static int utoa(char *end, unsigned long long v, int base, int upper) {
  const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 0;
  do { *--end = dig[v % (unsigned)base]; v /= (unsigned)base; n++; } while (v);
  return n;
}

static void fmt_int(struct out *o, struct spec s, unsigned long long v, int neg) {
  char tmp[48], *end = tmp + sizeof tmp;
  int base = s.conv == 'o' ? 8 : (s.conv == 'x' || s.conv == 'X' || s.conv == 'p') ? 16 : 10;
  int n = (s.prec == 0 && v == 0) ? 0 : utoa(end, v, base, s.conv == 'X');
  while (n < s.prec && n < 40) { *(end - ++n) = '0'; }
  if (s.prec >= 0) s.zero = 0;
  const char *pre = neg ? "-" : s.plus ? "+" : s.space ? " " : "";
  if ((s.alt && (s.conv == 'x' || s.conv == 'X') && v) || s.conv == 'p') pre = s.conv == 'X' ? "0X" : "0x";
  field(o, &s, pre, end - n, n);
}

static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                               1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};

/* Fixed notation of x >= 0 with prec digits (prec <= 17) into buf; returns the length,
 * or -1 when x * 10^prec does not fit 64 bits (the caller switches to %e). */
static int fixed(char *buf, double x, int prec, int alt) {
  double scaled = x * pow10[prec] + 0.5;
  if (scaled >= 1.8e19) return -1;
  unsigned long long r = (unsigned long long)scaled, ip = r / (unsigned long long)pow10[prec];
  unsigned long long fp = r % (unsigned long long)pow10[prec];
  char tmp[24];
  int n = utoa(tmp + sizeof tmp, ip, 10, 0), len = 0;
  memcpy(buf, tmp + sizeof tmp - n, (size_t)n);
  len = n;
  if (prec > 0 || alt) buf[len++] = '.';
  for (int i = prec - 1; i >= 0; i--) { buf[len + i] = (char)('0' + fp % 10); fp /= 10; }
  return len + prec;
}

/* x = m * 10^e with 1 <= m < 10 (x > 0). */
static double normalize(double x, int *e) {
  int k = 0;
  while (x >= 1e16) { x /= 1e16; k += 16; }
  while (x >= 10) { x /= 10; k++; }
  while (x < 1e-16) { x *= 1e16; k -= 16; }
  while (x < 1) { x *= 10; k--; }
  *e = k;
  return x;
}

static int expo(char *buf, double x, int prec, int alt, int upper) {
  int e = 0;
  double m = x > 0 ? normalize(x, &e) : 0;
  if (m * pow10[prec] + 0.5 >= 10 * pow10[prec]) { m /= 10; e++; }
  int len = fixed(buf, m, prec, alt);
  buf[len++] = upper ? 'E' : 'e';
  buf[len++] = e < 0 ? '-' : '+';
  if (e < 0) e = -e;
  char tmp[8];
  int n = utoa(tmp + sizeof tmp, (unsigned)e, 10, 0);
  if (n < 2) buf[len++] = '0';
  memcpy(buf + len, tmp + sizeof tmp - n, (size_t)n);
  return len + n;
}

static int strip_zeros(char *buf, int len) {
  int dot = -1, e = len;
  for (int i = 0; i < len; i++) {
    if (buf[i] == '.') dot = i;
    if (buf[i] == 'e' || buf[i] == 'E') { e = i; break; }
  }
  if (dot < 0) return len;
  int k = e;
  while (k > dot + 1 && buf[k - 1] == '0') k--;
  if (k == dot + 1) k = dot;
  memmove(buf + k, buf + e, (size_t)(len - e));
  return k + (len - e);
}

static void fmt_float(struct out *o, struct spec s, double x) {
  char buf[400];
  int neg = x < 0 || (x == 0 && 1 / x < 0), len, up = s.conv >= 'A' && s.conv <= 'Z';
  if (neg) x = -x;
  const char *pre = neg ? "-" : s.plus ? "+" : s.space ? " " : "";
  if (x != x || x > 1.7976931348623157e308) {
    s.zero = 0;
    field(o, &s, pre, x != x ? (up ? "NAN" : "nan") : (up ? "INF" : "inf"), 3);
    return;
  }
  int prec = s.prec < 0 ? 6 : s.prec > 17 ? 17 : s.prec;
  char c = s.conv | 0x20;
  if (c == 'g') {
    int e = 0;
    if (prec == 0) prec = 1;
    if (x > 0) normalize(x, &e);
    if (e < prec && e >= -4) len = fixed(buf, x, prec - 1 - e, s.alt);
    else len = expo(buf, x, prec - 1, s.alt, up);
    if (len < 0) len = expo(buf, x, prec - 1, s.alt, up);
    if (!s.alt) len = strip_zeros(buf, len);
  } else if (c == 'e') {
    len = expo(buf, x, prec, s.alt, up);
  } else {
    len = fixed(buf, x, prec, s.alt);
    if (len < 0) len = expo(buf, x, prec, s.alt, up);
  }
  field(o, &s, pre, buf, len);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap) {
  for (;; f++) {
    if (*f == '-') s->left = 1;
    else if (*f == '+') s->plus = 1;
    else if (*f == ' ') s->space = 1;
    else if (*f == '0') s->zero = 1;
    else if (*f == '#') s->alt = 1;
    else break;
  }
  if (*f == '*') { s->width = va_arg(*ap, int); f++; if (s->width < 0) { s->left = 1; s->width = -s->width; } }
  else while (*f >= '0' && *f <= '9') s->width = s->width * 10 + (*f++ - '0');
  s->prec = -1;
  if (*f == '.') {
    f++;
    s->prec = 0;
    if (*f == '*') { s->prec = va_arg(*ap, int); f++; }
    else while (*f >= '0' && *f <= '9') s->prec = s->prec * 10 + (*f++ - '0');
  }
  if (s->left) s->zero = 0;
  return f;
}

/* Length modifier: 0 int, 1 long, 2 long long, -1 short, -2 char. */
static const char *parse_len(const char *f, int *len) {
  *len = 0;
  if (*f == 'h') { *len = -1; if (*++f == 'h') { *len = -2; f++; } }
  else if (*f == 'l') { *len = 1; if (*++f == 'l') { *len = 2; f++; } }
  else if (*f == 'z' || *f == 'j' || *f == 't' || *f == 'L' || *f == 'q') { *len = 2; f++; }
  return f;
}

static long long sarg(int len, va_list *ap) {
  if (len >= 1) return len == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
  int v = va_arg(*ap, int);
  return len == -1 ? (short)v : len == -2 ? (signed char)v : v;
}

static unsigned long long uarg(int len, va_list *ap) {
  if (len >= 1) return len == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned long long);
  unsigned v = va_arg(*ap, unsigned);
  return len == -1 ? (unsigned short)v : len == -2 ? (unsigned char)v : v;
}

static void one(struct out *o, struct spec s, int len, va_list *ap) {
  switch (s.conv) {
  case 'd': case 'i': {
    long long v = sarg(len, ap);
    fmt_int(o, s, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
    break;
  }
  case 'u': case 'x': case 'X': case 'o': fmt_int(o, s, uarg(len, ap), 0); break;
  case 'p': fmt_int(o, s, (uintptr_t)va_arg(*ap, void *), 0); break;
  case 'c': { char c = (char)va_arg(*ap, int); s.zero = 0; field(o, &s, "", &c, 1); break; }
  case 's': {
    const char *str = va_arg(*ap, const char *);
    if (!str) str = "(null)";
    int n = (int)(s.prec >= 0 ? strnlen(str, (size_t)s.prec) : strlen(str));
    s.zero = 0;
    field(o, &s, "", str, n);
    break;
  }
  case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': fmt_float(o, s, va_arg(*ap, double)); break;
  case '%': put(o, '%'); break;
  default: put(o, '%'); put(o, s.conv); break;
  }
}

int vsnprintf(char *buf, size_t size, const char *f, va_list ap0) {
  struct out o = {buf, size, 0};
  va_list ap;
  va_copy(ap, ap0);
  while (*f) {
    if (*f != '%') { put(&o, *f++); continue; }
    struct spec s = {0};
    int len;
    f = parse_len(parse_spec(f + 1, &s, &ap), &len);
    if (!*f) break;
    s.conv = *f++;
    one(&o, s, len, &ap);
  }
  va_end(ap);
  if (size) buf[o.pos < size ? o.pos : size - 1] = 0;
  return (int)o.pos;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

int sprintf(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, (size_t)1 << 30, fmt, ap);
  va_end(ap);
  return r;
}
