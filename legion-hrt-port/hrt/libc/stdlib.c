/*
 * stdlib, string and time for the HRT's libc: the heap is the runtime's (kmem), exit ends
 * the VM with the kernel's test exit codes, clocks read the TSC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <nk/arch.h>
#include <nk/printk.h>
#include <nk/mem.h>
#include <malloc.h>
#include "../../platform/plat.h"
#include "../../platform/nautilus/nk_port.h"

void *malloc(size_t n) { return plat_alloc(n); }
void *calloc(size_t n, size_t size) { return size && n > SIZE_MAX / size ? NULL : plat_zalloc(n * size); }
void *realloc(void *p, size_t n) { return plat_realloc(p, n); }
void free(void *p) { plat_free(p); }

void *aligned_alloc(size_t align, size_t n) {
  if (align <= 16) return plat_alloc(n);
  return plat_pages_alloc(n < align ? align : n);   /* rare; never freed with free() here */
}

static void swap_bytes(char *a, char *b, size_t n) {
  while (n--) { char t = *a; *a++ = *b; *b++ = t; }
}

static void sift(char *base, size_t root, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  for (size_t child; (child = 2 * root + 1) < n; root = child) {
    if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0) child++;
    if (cmp(base + root * size, base + child * size) >= 0) return;
    swap_bytes(base + root * size, base + child * size, size);
  }
}

/* Heapsort: no recursion, no allocation, O(n log n) worst case. */
void qsort(void *b, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  char *base = b;
  for (size_t i = n / 2; i-- > 0;) sift(base, i, n, size, cmp);
  for (size_t end = n; end-- > 1;) {
    swap_bytes(base, base + end * size, size);
    sift(base, 0, end, size, cmp);
  }
}

/* There is no process to end in the HRT, only the whole kernel: a panic says so and, through
 * the VMM, which task called it (a kernel exit code would carry 0..3 and no name). */
void exit(int code) {
  fflush(NULL);
  panic("lhrt: exit(%d) was called, which ends the whole HRT: a native task should return, or fail "
        "with lhrt_task_fail", code);
}

void abort(void) {
  fflush(NULL);
  panic("lhrt: abort()");
}

void lhrt_hrt_assert_fail(const char *expr, const char *file, int line) {
  fflush(NULL);
  panic("%s:%d: assertion failed: %s", file, line, expr);
}

static int digit(char c, int base) {
  int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
  return d < base ? d : -1;
}

unsigned long long strtoull(const char *s, char **end, int base) {
  const char *p = s;
  while (*p == ' ' || *p == '\t' || *p == '\n') p++;
  int neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' && digit(p[2], 16) >= 0) { p += 2; base = 16; }
  else if (base == 0) base = p[0] == '0' ? 8 : 10;
  unsigned long long v = 0;
  const char *start = p;
  for (int d; (d = digit(*p, base)) >= 0; p++) v = v * (unsigned)base + (unsigned)d;
  if (end) *end = (char *)(p == start ? s : p);
  return neg ? 0ull - v : v;
}

long long strtoll(const char *s, char **end, int base) { return (long long)strtoull(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return (unsigned long)strtoull(s, end, base); }
long strtol(const char *s, char **end, int base) { return (long)strtoull(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }

double strtod(const char *s, char **end) {
  char *p;
  double v = (double)strtoll(s, &p, 10);
  int neg = v < 0 || (p > s && s[0] == '-');
  if (*p == '.') {
    double scale = 0.1;
    for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10) v += (neg ? -1 : 1) * (*p - '0') * scale;
  }
  if ((*p | 0x20) == 'e') {
    long e = strtol(p + 1, &p, 10);
    for (; e > 0; e--) v *= 10;
    for (; e < 0; e++) v /= 10;
  }
  if (end) *end = p;
  return v;
}

double atof(const char *s) { return strtod(s, NULL); }
int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
char *getenv(const char *name) { (void)name; return NULL; }

static uint64_t rand_state = 1;
void srand(unsigned seed) { rand_state = seed ? seed : 1; }
int rand(void) {
  rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
  return (int)(rand_state >> 33);
}

char *strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (!*s) return NULL;
  }
}

char *strrchr(const char *s, int c) {
  const char *r = NULL;
  for (;; s++) {
    if (*s == (char)c) r = s;
    if (!*s) return (char *)r;
  }
}

char *strstr(const char *h, const char *n) {
  size_t k = strlen(n);
  for (; *h; h++)
    if (!strncmp(h, n, k)) return (char *)h;
  return k ? NULL : (char *)h;
}

char *strcpy(char *d, const char *s) { return memcpy(d, s, strlen(s) + 1); }

char *strncpy(char *d, const char *s, size_t n) {
  size_t k = strnlen(s, n);
  memcpy(d, s, k);
  memset(d + k, 0, n - k);
  return d;
}

char *strcat(char *d, const char *s) {
  strcpy(d + strlen(d), s);
  return d;
}

char *strdup(const char *s) {
  char *d = malloc(strlen(s) + 1);
  return d ? strcpy(d, s) : NULL;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  (void)id;
  uint64_t ns = plat_time_ns();
  ts->tv_sec = (time_t)(ns / 1000000000ull);
  ts->tv_nsec = (long)(ns % 1000000000ull);
  return 0;
}

time_t time(time_t *t) {
  time_t v = (time_t)(plat_time_ns() / 1000000000ull);
  if (t) *t = v;
  return v;
}

clock_t clock(void) { return (clock_t)(plat_time_ns() / 1000); }

struct mallinfo2 mallinfo2(void) {
  struct mallinfo2 m = {0};
  m.arena = mem_total_bytes();
  m.fordblks = mem_free_bytes();
  m.uordblks = m.arena - m.fordblks;
  return m;
}
