/*
 * The HRT's stdio for the runtime's C tests and benchmarks: formatted output to the
 * kernel console (log ring), line-buffered per stream. No input, no files.
 */
#ifndef LHRT_HRT_STDIO_H
#define LHRT_HRT_STDIO_H
#include <stdarg.h>
#include <stddef.h>

typedef struct hrt_file FILE;
extern FILE *stdout, *stderr;
#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);
int fputs(const char *s, FILE *f);
int putchar(int c);
int fputc(int c, FILE *f);
int fflush(FILE *f);
#endif
