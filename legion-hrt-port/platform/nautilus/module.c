/*
 * Nautilus port, modules: the HRT's dlopen. The HRT has no files, so a shared library comes in
 * as the bytes of its ELF file (the ROS reads it and passes it through the merged region). It is
 * copied into kernel pages as one block, relocated, its undefined symbols bound to the image's
 * global functions and variables (the image stands in for libc, libm and liblhrt.so), and its
 * constructors run.
 * The same lib<name>.so a Linux build produces therefore runs in the HRT unchanged, as long as
 * what it needs from outside is in the image. Modules stay loaded for the HRT's life.
 */
#include <stdarg.h>
#include <nk/mem.h>
#include <nk/string.h>
#include <nk/printk.h>
#include <nk/sync.h>
#include "../plat.h"
#include "nk_port.h"

/* The parts of the ELF64 format (System V gABI, x86-64 psABI) a loader of shared objects reads. */
struct elf_ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; };
struct elf_dyn { int64_t tag; uint64_t val; };
struct elf_sym { uint32_t name; uint8_t info, other; uint16_t shndx; uint64_t value, size; };
struct elf_rela { uint64_t offset, info; int64_t addend; };

enum { ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62 };
enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_TLS = 7 };
enum {
  DT_NULL = 0, DT_PLTRELSZ = 2, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_RELA = 7, DT_RELASZ = 8,
  DT_RELAENT = 9, DT_STRSZ = 10, DT_INIT = 12, DT_REL = 17, DT_JMPREL = 23, DT_INIT_ARRAY = 25, DT_INIT_ARRAYSZ = 27,
  DT_RELRSZ = 35, DT_RELR = 36, DT_GNU_HASH = 0x6ffffef5
};
enum {
  R_NONE = 0, R_64 = 1, R_GLOB_DAT = 6, R_JUMP_SLOT = 7, R_RELATIVE = 8, R_DTPMOD64 = 16,
  R_DTPOFF64 = 17, R_TPOFF64 = 18, R_IRELATIVE = 37
};
enum { STB_WEAK = 2, STT_FUNC = 2, STT_TLS = 6, STT_GNU_IFUNC = 10 };

struct module {
  struct module *next;
  char *name;
  uint8_t *bias;                  /* load address minus the file's lowest p_vaddr */
  uint64_t lo, hi;                /* the span of the PT_LOAD segments, in file addresses */
  const struct elf_sym *symtab;
  const char *strtab;
  const uint32_t *hash, *gnu_hash;
  uint64_t nsyms, strsz;          /* bounds for what relocations and lookups index */
};

static struct module *modules;    /* published whole (release), never removed: lookups take no lock */
static nk_spinlock_t load_lock;

/* One load: the library's name and where its error goes. */
struct ld {
  const char *lib;
  char *err;
  size_t errlen;
};

/* Writes "module <lib>: <what>" to the error; returns -1 so that callers can `return fail(...)`. */
static int fail(struct ld *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ld *c, const char *fmt, ...) {
  int n = nk_snprintf(c->err, c->errlen, "module %s: ", c->lib);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < c->errlen) nk_vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

static uint32_t sysv_hash(const char *s) {
  uint32_t h = 0;
  for (; *s; s++) {
    h = (h << 4) + (uint8_t)*s;
    uint32_t g = h & 0xf0000000u;
    if (g) h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

static uint32_t gnu_hash(const char *s) {
  uint32_t h = 5381;
  for (; *s; s++) h = h * 33 + (uint8_t)*s;
  return h;
}

static int exported(const struct elf_sym *s) {
  int type = s->info & 0xf, bind = s->info >> 4;
  return s->shndx != 0 && (bind == 1 || bind == STB_WEAK) && type != STT_TLS;
}

/* How many dynamic symbols there are: SysV's nchain, or one past the last symbol a GNU hash
 * chain reaches (the table has no count of its own). */
static uint64_t symbol_count(const struct module *m) {
  if (m->hash) return m->hash[1];
  const uint32_t *g = m->gnu_hash;
  uint32_t nbuckets = g[0], symoffset = g[1], bloom_words = g[2], last = 0;
  const uint32_t *buckets = g + 4 + 2 * bloom_words, *chain = buckets + nbuckets;
  for (uint32_t b = 0; b < nbuckets; b++)
    if (buckets[b] > last) last = buckets[b];
  if (last < symoffset) return symoffset;
  while (!(chain[last - symoffset] & 1)) last++;
  return (uint64_t)last + 1;
}

/* The module's own definition of name, through whichever hash table the linker emitted. */
static const struct elf_sym *module_find(const struct module *m, const char *name) {
  if (m->gnu_hash) {
    const uint32_t *g = m->gnu_hash;
    uint32_t nbuckets = g[0], symoffset = g[1], bloom_words = g[2];
    const uint32_t *buckets = g + 4 + 2 * bloom_words;   /* the bloom filter's words are 64-bit */
    const uint32_t *chain = buckets + nbuckets;
    uint32_t h = gnu_hash(name), i = nbuckets ? buckets[h % nbuckets] : 0;
    if (i < symoffset) return NULL;
    for (;; i++) {
      uint32_t h2 = chain[i - symoffset];
      const struct elf_sym *s = &m->symtab[i];
      if ((h | 1) == (h2 | 1) && !strcmp(name, m->strtab + s->name) && exported(s)) return s;
      if (h2 & 1) return NULL;
    }
  }
  if (m->hash) {
    uint32_t nbucket = m->hash[0];
    const uint32_t *bucket = m->hash + 2, *chain = bucket + nbucket;
    for (uint32_t i = nbucket ? bucket[sysv_hash(name) % nbucket] : 0; i; i = chain[i]) {
      const struct elf_sym *s = &m->symtab[i];
      if (!strcmp(name, m->strtab + s->name) && exported(s)) return s;
    }
  }
  return NULL;
}

static const struct module *module_named(const char *name) {
  for (const struct module *m = __atomic_load_n(&modules, __ATOMIC_ACQUIRE); m; m = m->next)
    if (!strcmp(m->name, name)) return m;
  return NULL;
}

uint64_t nkp_module_bias(const char *library) {
  const struct module *m = library ? module_named(library) : NULL;
  return m ? (uint64_t)(uintptr_t)m->bias : 0;
}

void *nkp_module_symbol(const char *library, const char *symbol, int *known) {
  const struct module *m = library ? module_named(library) : NULL;
  *known = m != NULL;
  if (!m) return NULL;
  const struct elf_sym *s = module_find(m, symbol);
  return s && (s->info & 0xf) != STT_GNU_IFUNC ? m->bias + s->value : NULL;
}

/* The value symbol `index` stands for in a relocation: the module's own definition, else the
 * image's function of that name; a weak reference to nothing is 0. */
static int resolve(struct ld *c, const struct module *m, uint64_t index, uint64_t *out) {
  if (index == 0) { *out = 0; return 0; }
  if (index >= m->nsyms || m->symtab[index].name >= m->strsz)
    return fail(c, "a relocation names symbol %lu, but it has %lu (a damaged file?)", (unsigned long)index,
                (unsigned long)m->nsyms);
  const struct elf_sym *s = &m->symtab[index];
  const char *name = m->strtab + s->name;
  if ((s->info & 0xf) == STT_TLS)
    return fail(c, "%s is a thread-local variable; the HRT has no thread-local storage", name);
  if (s->shndx != 0) {
    if ((s->info & 0xf) == STT_GNU_IFUNC) {
      *out = ((uint64_t (*)(void))(m->bias + s->value))();   /* an ifunc's resolver picks the implementation */
      return 0;
    }
    *out = (uint64_t)(uintptr_t)(m->bias + s->value);
    return 0;
  }
  void *p = nkp_image_symbol(name);
  if (!p) p = nkp_image_variable(name);   /* stdout, stderr: a .so reaches them through its GOT */
  if (p) { *out = (uint64_t)(uintptr_t)p; return 0; }
  if ((s->info >> 4) == STB_WEAK) { *out = 0; return 0; }
  return fail(c, "needs %s, which the HRT image does not provide (the image stands in for libc and liblhrt.so; "
              "link what is missing into the module)", name);
}

/* Whether [addr, addr + len) lies inside the module's segments. */
static int inside(const struct module *m, uint64_t addr, uint64_t len) {
  return addr >= m->lo && addr <= m->hi && len <= m->hi - addr;
}

static int relocate(struct ld *c, const struct module *m, const struct elf_rela *r, uint64_t bytes) {
  for (uint64_t i = 0; i < bytes / sizeof *r; i++) {
    uint32_t type = (uint32_t)r[i].info;
    uint64_t *where = (uint64_t *)(m->bias + r[i].offset), s = 0;
    if (type == R_NONE) continue;
    if (!inside(m, r[i].offset, 8))
      return fail(c, "a relocation at 0x%lx lies outside the module", (unsigned long)r[i].offset);
    switch (type) {
    case R_RELATIVE: *where = (uint64_t)(uintptr_t)m->bias + (uint64_t)r[i].addend; break;
    case R_IRELATIVE: *where = ((uint64_t (*)(void))(m->bias + r[i].addend))(); break;
    case R_64: case R_GLOB_DAT: case R_JUMP_SLOT:
      if (resolve(c, m, r[i].info >> 32, &s)) return -1;
      *where = s + (uint64_t)r[i].addend;
      break;
    case R_DTPMOD64: case R_DTPOFF64: case R_TPOFF64:
      return fail(c, "uses thread-local storage (relocation type %u), which the HRT does not have", type);
    default:
      return fail(c, "relocation type %u is not supported (is it built with -fPIC?)", type);
    }
  }
  return 0;
}

/* DT_RELR: packed relative relocations (ld -z pack-relative-relocs). An even word is an
 * address to relocate; an odd word is a bitmap of the 63 words after the last address. */
static void relocate_relr(const struct module *m, const uint64_t *w, uint64_t bytes) {
  uint64_t *where = NULL;
  for (uint64_t i = 0; i < bytes / 8; i++) {
    if (!(w[i] & 1)) {
      where = (uint64_t *)(m->bias + w[i]);
      *where++ += (uint64_t)(uintptr_t)m->bias;
      continue;
    }
    for (uint64_t bits = w[i] >> 1, k = 0; bits; bits >>= 1, k++)
      if (bits & 1) where[k] += (uint64_t)(uintptr_t)m->bias;
    where += 63;
  }
}

/* Checks the file and finds what to map: [lo, hi) of the PT_LOAD segments and the dynamic
 * section. */
static int check_file(struct ld *c, const uint8_t *f, uint64_t len, uint64_t *lo, uint64_t *hi, uint64_t *align,
                      const struct elf_phdr **dyn) {
  const struct elf_ehdr *e = (const void *)f;
  if (len < sizeof *e || memcmp(e->ident, "\177ELF", 4))
    return fail(c, "not an ELF file");
  if (e->ident[4] != 2 || e->ident[5] != 1 || e->machine != EM_X86_64)
    return fail(c, "not a 64-bit little-endian x86-64 ELF file");
  if (e->type != ET_DYN)
    return fail(c, "%s (ELF type %u), not a shared library: build it with -shared -fPIC",
                e->type == ET_EXEC ? "an executable" : "not loadable", e->type);
  if (e->phentsize != sizeof(struct elf_phdr) || e->phoff > len || e->phnum > (len - e->phoff) / sizeof(struct elf_phdr))
    return fail(c, "its program headers lie outside the file");
  const struct elf_phdr *ph = (const void *)(f + e->phoff);
  *lo = ~0ull; *hi = 0; *align = 4096; *dyn = NULL;
  for (int i = 0; i < e->phnum; i++) {
    if (ph[i].type == PT_TLS)
      return fail(c, "it has thread-local variables, which the HRT does not have");
    if (ph[i].type == PT_DYNAMIC) *dyn = &ph[i];
    if (ph[i].type != PT_LOAD) continue;
    if (ph[i].filesz > ph[i].memsz || ph[i].offset > len || ph[i].filesz > len - ph[i].offset)
      return fail(c, "a segment lies outside the file (truncated?)");
    if (ph[i].vaddr < *lo) *lo = ph[i].vaddr & ~4095ull;
    if (ph[i].vaddr + ph[i].memsz > *hi) *hi = ph[i].vaddr + ph[i].memsz;
    if (ph[i].align > *align && ph[i].align <= (1ull << 21)) *align = ph[i].align;
  }
  if (*hi <= *lo || *hi - *lo > (1ull << 30))
    return fail(c, "no loadable segment of a sane size");
  if (!*dyn || (*dyn)->vaddr < *lo || (*dyn)->vaddr + (*dyn)->memsz > *hi)
    return fail(c, "no dynamic section (is it a static object?)");
  return 0;
}

static int load(struct ld *c, const uint8_t *f, uint64_t len) {
  uint64_t lo = 0, hi = 0, align = 0;
  const struct elf_phdr *dynph = NULL;
  if (check_file(c, f, len, &lo, &hi, &align, &dynph)) return -1;
  uint64_t span = hi - lo;
  int order = mem_order_for(span > align ? span : align);   /* buddy blocks are aligned to their size */
  uint8_t *base = order < 0 ? NULL : mem_alloc_pages(order, -1);
  struct module *m = plat_zalloc(sizeof *m);
  char *name = plat_alloc(strlen(c->lib) + 1);
  if (!base || !m || !name) {
    if (base) mem_free_pages(base);
    plat_free(m);
    plat_free(name);
    return fail(c, "no memory for its %lu bytes", (unsigned long)span);
  }
  memset(base, 0, NK_PAGE_SIZE << order);
  const struct elf_ehdr *e = (const void *)f;
  const struct elf_phdr *ph = (const void *)(f + e->phoff);
  for (int i = 0; i < e->phnum; i++)
    if (ph[i].type == PT_LOAD) memcpy(base + (ph[i].vaddr - lo), f + ph[i].offset, ph[i].filesz);
  m->bias = base - lo;
  m->lo = lo;
  m->hi = hi;
  memcpy(name, c->lib, strlen(c->lib) + 1);
  m->name = name;

  const struct elf_rela *rela = NULL, *jmprel = NULL;
  const uint64_t *relr = NULL, *init_array = NULL;
  uint64_t relasz = 0, pltsz = 0, relrsz = 0, init_arraysz = 0, init = 0;
  const struct elf_dyn *dyn = (const void *)(m->bias + dynph->vaddr);
  for (const struct elf_dyn *d = dyn; d < dyn + dynph->memsz / sizeof *d && d->tag != DT_NULL; d++) {
    uint8_t *p = m->bias + d->val;
    switch (d->tag) {
    case DT_SYMTAB: m->symtab = (const void *)p; break;
    case DT_STRTAB: m->strtab = (const char *)p; break;
    case DT_STRSZ: m->strsz = d->val; break;
    case DT_HASH: m->hash = (const void *)p; break;
    case DT_GNU_HASH: m->gnu_hash = (const void *)p; break;
    case DT_RELA: rela = (const void *)p; break;
    case DT_RELASZ: relasz = d->val; break;
    case DT_JMPREL: jmprel = (const void *)p; break;
    case DT_PLTRELSZ: pltsz = d->val; break;
    case DT_RELR: relr = (const void *)p; break;
    case DT_RELRSZ: relrsz = d->val; break;
    case DT_INIT: init = d->val; break;
    case DT_INIT_ARRAY: init_array = (const void *)p; break;
    case DT_INIT_ARRAYSZ: init_arraysz = d->val; break;
    case DT_REL: goto bad_rel;
    }
  }
  if (!m->symtab || !m->strtab || (!m->hash && !m->gnu_hash) || !inside(m, (uint64_t)((const uint8_t *)m->symtab - m->bias), 1)
      || !inside(m, (uint64_t)((const uint8_t *)m->strtab - m->bias), 1)) {
    fail(c, "no dynamic symbol table or no hash table");
    goto out;
  }
  m->nsyms = symbol_count(m);
  if (!inside(m, (uint64_t)((const uint8_t *)m->symtab - m->bias), m->nsyms * sizeof *m->symtab)
      || !inside(m, (uint64_t)((const uint8_t *)m->strtab - m->bias), m->strsz)) {
    fail(c, "its symbol or string table lies outside its segments");
    goto out;
  }
  if ((rela && !inside(m, (uint64_t)((const uint8_t *)rela - m->bias), relasz))
      || (jmprel && !inside(m, (uint64_t)((const uint8_t *)jmprel - m->bias), pltsz))
      || (relr && !inside(m, (uint64_t)((const uint8_t *)relr - m->bias), relrsz))) {
    fail(c, "its relocation tables lie outside its segments");
    goto out;
  }
  if (relocate(c, m, rela, relasz) || relocate(c, m, jmprel, pltsz)) goto out;
  if (relr) relocate_relr(m, relr, relrsz);
  /* Constructors, as dlopen runs them (glibc passes argc/argv/envp, which C constructors ignore). */
  if (init) ((void (*)(void))(m->bias + init))();
  for (uint64_t i = 0; init_array && i < init_arraysz / 8; i++)
    if (init_array[i] && init_array[i] != ~0ull) ((void (*)(void))(uintptr_t)init_array[i])();
  m->next = modules;
  __atomic_store_n(&modules, m, __ATOMIC_RELEASE);
  return 0;
bad_rel:
  fail(c, "REL relocations, which x86-64 never uses");
out:
  mem_free_pages(base);
  plat_free(name);
  plat_free(m);
  return -1;
}

int nkp_module_load(const char *library, const void *file, uint64_t len, char *err, size_t errlen) {
  struct ld c = {library && *library ? library : "(unnamed)", err, errlen};
  if (!library || !*library || !file) return fail(&c, "no %s given", file ? "name" : "file");
  nk_spin_lock(&load_lock);
  int rc = module_named(library) ? 0 : load(&c, file, len);
  nk_spin_unlock(&load_lock);
  return rc;
}
