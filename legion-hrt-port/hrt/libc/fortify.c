/*
 * What distributions' default compiler flags make a Linux shared library call, so that such a
 * library loads into the HRT as a module unchanged: the stack protector's failure hook
 * (-fstack-protector, Ubuntu's default), the checked forms of _FORTIFY_SOURCE, and glibc's
 * errno location. A failed check ends the VM with a panic naming it, as glibc aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <nk/printk.h>
#include <nk/cpu.h>
#include <nk/thread.h>

void __stack_chk_fail(void) { panic("stack smashing detected (a native task overran a stack buffer)"); }

static void overflow(const char *fn) { panic("%s: buffer overflow detected (_FORTIFY_SOURCE)", fn); }

void *__memcpy_chk(void *d, const void *s, size_t n, size_t dlen) {
  if (n > dlen) overflow("memcpy");
  return memcpy(d, s, n);
}
void *__memmove_chk(void *d, const void *s, size_t n, size_t dlen) {
  if (n > dlen) overflow("memmove");
  return memmove(d, s, n);
}
void *__memset_chk(void *d, int c, size_t n, size_t dlen) {
  if (n > dlen) overflow("memset");
  return memset(d, c, n);
}
char *__strcpy_chk(char *d, const char *s, size_t dlen) {
  if (strlen(s) >= dlen) overflow("strcpy");
  return strcpy(d, s);
}
char *__strncpy_chk(char *d, const char *s, size_t n, size_t dlen) {
  if (n > dlen) overflow("strncpy");
  return strncpy(d, s, n);
}
char *__strcat_chk(char *d, const char *s, size_t dlen) {
  if (strlen(d) + strlen(s) >= dlen) overflow("strcat");
  return strcat(d, s);
}

int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap) { return vfprintf(f, fmt, ap); }
int __vprintf_chk(int flag, const char *fmt, va_list ap) { return vprintf(fmt, ap); }
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}
int __printf_chk(int flag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}
int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap) {
  if (n > slen) overflow("vsnprintf");
  return vsnprintf(s, n, fmt, ap);
}
int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = __vsnprintf_chk(s, n, flag, slen, fmt, ap);
  va_end(ap);
  return r;
}
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(s, slen, fmt, ap);
  va_end(ap);
  if (r >= 0 && (size_t)r >= slen) overflow("sprintf");
  return r;
}

/* errno, one per thread as in glibc: a thread that gives way between setting and reading it
 * (a yield inside an allocation, a wait) still reads its own value. */
int *__errno_location(void) { return &this_cpu()->cur->libc_errno; }
