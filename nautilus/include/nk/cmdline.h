/*
 * Kernel command line: space-separated `key=value` words (`tests=a,b`, `tier=quick`,
 * `bench`, `env=qemu-tcg`); a word whose key holds a '/' (QEMU puts the image path first) is skipped.
 * Every key some part of the image reads is registered next to where it is read
 * (NK_CMDLINE_KEY), and the kernel refuses a key nobody registered: a misspelt
 * `idle_spn_us=5` must not boot with the default silently.
 */
#ifndef NK_CMDLINE_H
#define NK_CMDLINE_H

#include <stddef.h>

struct nk_cmdline_key {
    const char *name;
    const char *help;
};

#define NK_CMDLINE_KEY(key, text)                                                   \
    static const struct nk_cmdline_key nk_cmdline_key_##key                         \
        __attribute__((used, section("nk_cmdline_keys"), aligned(8))) = { #key, text }

/* The first word whose key no part of the image registered, copied into out: 1; else 0. */
int cmdline_unknown_key(const char *cmdline, char *out, size_t size);
/* Prints the registered keys, one per line with their help, after a refusal. */
void cmdline_list_keys(void);

/* Copy the value of `key` into out (NUL-terminated); 1 if present (value may be ""), 0 if not,
 * 2 if present but longer than size - 1 bytes and cut (also said on the console: a cut number
 * is another number). */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t size);
/* 1 if `name` appears in the comma-separated list. */
int cmdline_list_has(const char *list, const char *name);

#endif /* NK_CMDLINE_H */
