/*
 * Linux port, memory and symbols: malloc for metadata, mmap for instance pages, dlsym for
 * native task variants.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "../plat.h"

void *plat_alloc(size_t n) { return malloc(n ? n : 1); }
void *plat_zalloc(size_t n) { return calloc(1, n ? n : 1); }
void *plat_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void plat_free(void *p) { free(p); }

void *plat_pages_alloc(size_t n) {
  void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}
void plat_pages_free(void *p, size_t n) { if (p) munmap(p, n ? n : 1); }

void *plat_symbol_lookup(const char *library, const char *symbol, char *err, size_t errlen) {
  void *h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!h) { snprintf(err, errlen, "cannot open %s: %s", library ? library : "(self)", dlerror()); return NULL; }
  dlerror();
  void *s = dlsym(h, symbol);
  const char *e = dlerror();
  if (e || !s) { snprintf(err, errlen, "symbol %s not found in %s", symbol, library ? library : "(self)"); return NULL; }
  return s; /* the library stays loaded for the life of the process */
}
