/*
 * Kernel command line lookup: `key=value` words separated by spaces.
 */
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/printk.h>

extern const struct nk_cmdline_key __start_nk_cmdline_keys[], __stop_nk_cmdline_keys[];

/* The next space-separated word at *c (its length in *len), *c moved past it; NULL at the end. */
static const char *next_word(const char **c, size_t *len)
{
    const char *p = *c;
    while (*p == ' ')
        p++;
    const char *w = p;
    while (*p && *p != ' ')
        p++;
    *c = p;
    *len = (size_t)(p - w);
    return *len ? w : NULL;
}

static int registered(const char *key, size_t n)
{
    for (const struct nk_cmdline_key *k = __start_nk_cmdline_keys; k < __stop_nk_cmdline_keys; k++)
        if (strlen(k->name) == n && !strncmp(k->name, key, n))
            return 1;
    return 0;
}

int cmdline_unknown_key(const char *c, char *out, size_t size)
{
    size_t wlen;
    for (const char *w; (w = next_word(&c, &wlen));) {
        size_t key = 0;                       /* the key: what comes before the first '=' */
        while (key < wlen && w[key] != '=')
            key++;
        int path = 0;                         /* the image path: a '/' in the key itself */
        for (size_t i = 0; i < key; i++)      /* (a value's '/' hid a misspelt key) */
            path |= w[i] == '/';
        if (!path && !registered(w, key)) {
            size_t n = key < size ? key : size - 1;
            memcpy(out, w, n);
            out[n] = 0;
            return 1;
        }
    }
    return 0;
}

void cmdline_list_keys(void)
{
    printk("known command-line keys:\n");
    for (const struct nk_cmdline_key *k = __start_nk_cmdline_keys; k < __stop_nk_cmdline_keys; k++)
        printk("  %-18s %s\n", k->name, k->help);
}

int cmdline_get(const char *c, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key), wlen;
    for (const char *w; (w = next_word(&c, &wlen));) {
        if (wlen >= klen && !strncmp(w, key, klen) && (wlen == klen || w[klen] == '=')) {
            size_t vlen = wlen == klen ? 0 : wlen - klen - 1;
            int cut = vlen >= size;
            if (cut)
                vlen = size - 1;
            memcpy(out, w + klen + (wlen > klen), vlen);
            out[vlen] = 0;
            if (cut)
                printk("cmdline: the value of %s is longer than %lu bytes: only '%s' is used\n", key,
                       (unsigned long)(size - 1), out);
            return cut ? 2 : 1;
        }
    }
    return 0;
}

int cmdline_list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    while (*list) {
        const char *w = list;
        while (*list && *list != ',')
            list++;
        if ((size_t)(list - w) == n && !strncmp(w, name, n))
            return 1;
        if (*list)
            list++;
    }
    return 0;
}
