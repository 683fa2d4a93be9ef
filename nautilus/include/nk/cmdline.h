/*
 * Kernel command line: space-separated `key=value` words (`tests=a,b`, `tier=quick`,
 * `bench`, `env=qemu-tcg`). Unknown words are ignored; the first word may be the image path.
 */
#ifndef NK_CMDLINE_H
#define NK_CMDLINE_H

#include <stddef.h>

/* Copy the value of `key` into out (NUL-terminated); 1 if present (value may be ""), 0 if not. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t size);
/* 1 if `name` appears in the comma-separated list. */
int cmdline_list_has(const char *list, const char *name);

#endif /* NK_CMDLINE_H */
