/*
 * The few libc string functions the kernel (and gcc's generated code) needs.
 */
#ifndef NK_STRING_H
#define NK_STRING_H

#include <stddef.h>

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy_z(char *d, const char *s, size_t size);   /* always NUL-terminates */
unsigned long nk_strtoul(const char *s, const char **end, int base);

#endif /* NK_STRING_H */
