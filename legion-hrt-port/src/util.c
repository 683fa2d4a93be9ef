/*
 * Small freestanding helpers: string length/duplicate, a printf-style formatter for error
 * messages, and a heap sort. They replace libc so that the aerokernel need not provide it.
 */
#include "internal.h"

size_t u_strlen(const char *s) {
  size_t n = 0;
  while (s && s[n]) n++;
  return n;
}

char *u_strdup(const char *s) {
  size_t n = u_strlen(s);
  char *d = plat_alloc(n + 1);
  if (!d) return NULL;
  if (n) u_memcpy(d, s, n);
  d[n] = 0;
  return d;
}

struct out { char *buf; size_t cap, len; };

static void put(struct out *o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  o->len++;
}

static void put_str(struct out *o, const char *s) {
  if (!s) s = "(null)";
  while (*s) put(o, *s++);
}

static void put_uint(struct out *o, uint64_t v, unsigned base) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
  while (n) put(o, tmp[--n]);
}

static void put_int(struct out *o, int64_t v) {
  if (v < 0) { put(o, '-'); put_uint(o, (uint64_t)0 - (uint64_t)v, 10); }
  else put_uint(o, (uint64_t)v, 10);
}

/* Supports %s %c %d %i %u %x %p %% with optional l, ll, z modifiers. */
int u_vfmt(char *buf, size_t cap, const char *f, va_list ap) {
  struct out o = {buf, cap, 0};
  for (; *f; f++) {
    if (*f != '%') { put(&o, *f); continue; }
    f++;
    int longs = 0;
    while (*f == 'l' || *f == 'z') { longs++; f++; }
    switch (*f) {
      case 's': put_str(&o, va_arg(ap, const char *)); break;
      case 'c': put(&o, (char)va_arg(ap, int)); break;
      case 'd': case 'i': put_int(&o, longs ? va_arg(ap, int64_t) : va_arg(ap, int)); break;
      case 'u': put_uint(&o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10); break;
      case 'x': put_uint(&o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16); break;
      case 'p': put_str(&o, "0x"); put_uint(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16); break;
      case '%': put(&o, '%'); break;
      default: put(&o, '?'); if (!*f) f--; break;
    }
  }
  if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
  return (int)o.len;
}

int u_fmt(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = u_vfmt(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

static void swap_bytes(char *a, char *b, size_t n) {
  while (n--) { char t = *a; *a++ = *b; *b++ = t; }
}

static void sift(char *base, size_t start, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
  size_t root = start;
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && cmp(base + child * sz, base + (child + 1) * sz) < 0) child++;
    if (cmp(base + root * sz, base + child * sz) >= 0) return;
    swap_bytes(base + root * sz, base + child * sz, sz);
    root = child;
  }
}

/* Heap sort: O(n log n), in place, no allocation (not stable). */
void u_sort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
  char *b = base;
  if (n < 2) return;
  for (size_t i = n / 2; i-- > 0;) sift(b, i, n, sz, cmp);
  for (size_t end = n - 1; end > 0; end--) {
    swap_bytes(b, b + end * sz, sz);
    sift(b, 0, end, sz, cmp);
  }
}

/* The failure a cause chain started from: the text after the last "depends on a failed task: "
 * (a chain of dependents would otherwise nest the root cause past any message buffer). */
const char *failure_root(const char *cause) {
  static const char mark[] = "depends on a failed task: ";
  const char *root = cause;
  if (!cause) return "failed";
  for (const char *p = cause; *p; p++) {
    size_t k = 0;
    while (mark[k] && p[k] == mark[k]) k++;
    if (!mark[k]) root = p + k;
  }
  return root;
}
