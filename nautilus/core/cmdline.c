/*
 * Kernel command line lookup: `key=value` words separated by spaces.
 */
#include <nk/cmdline.h>
#include <nk/string.h>

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
