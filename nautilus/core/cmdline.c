/*
 * Kernel command line lookup: `key=value` words separated by spaces.
 */
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/printk.h>

extern const struct nk_cmdline_key __start_nk_cmdline_keys[], __stop_nk_cmdline_keys[];

static int registered(const char *key, size_t n)
{
    for (const struct nk_cmdline_key *k = __start_nk_cmdline_keys; k < __stop_nk_cmdline_keys; k++)
        if (strlen(k->name) == n && !strncmp(k->name, key, n))
            return 1;
    return 0;
}

int cmdline_unknown_key(const char *c, char *out, size_t size)
{
    while (*c) {
        while (*c == ' ')
            c++;
        const char *w = c, *eq = NULL;
        int path = 0;
        for (; *c && *c != ' '; c++) {
            path |= *c == '/';
            if (*c == '=' && !eq)
                eq = c;
        }
        size_t key = (size_t)((eq ? eq : c) - w);
        if (c > w && !path && !registered(w, key)) {
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
    size_t klen = strlen(key);
    while (*c) {
        while (*c == ' ')
            c++;
        const char *w = c;
        while (*c && *c != ' ')
            c++;
        size_t wlen = c - w;
        if (wlen >= klen && !strncmp(w, key, klen) && (wlen == klen || w[klen] == '=')) {
            size_t vlen = wlen == klen ? 0 : wlen - klen - 1;
            if (vlen >= size)
                vlen = size - 1;
            memcpy(out, w + klen + (wlen > klen), vlen);
            out[vlen] = 0;
            return 1;
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
