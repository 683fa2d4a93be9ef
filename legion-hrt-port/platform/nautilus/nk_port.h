/*
 * Internals of the Nautilus port of plat.h, shared by its files and by the HRT image
 * (hrt/): running a function on a large stack, the per-thread slot behind plat_tls_*, and
 * what stands in for dlopen/dlsym (the table of linked-in native task symbols, modules).
 */
#ifndef LHRT_NK_PORT_H
#define LHRT_NK_PORT_H

#include <stdint.h>
#include <stddef.h>

/* Runtime threads run on stacks of this size, as on the Linux port (the kernel's own are 16
 * KiB, too small for task bodies with local buffers). A buddy block, so aligned. Its deep end
 * is a guard band filled with a pattern that plat_stack_check looks at after each slice of
 * tasks: the kernel maps memory in 2 MiB pages and cannot leave a hole below a stack, and an
 * overflow ran silently into whatever lay below (a module's code, in one report). */
#define NKP_STACK_ORDER 8                          /* 256 pages = 1 MiB */
#define NKP_STACK_SIZE  (4096ul << NKP_STACK_ORDER)
#define NKP_STACK_GUARD (16ul << 10)               /* bytes of the deep end a task never uses */

/* Calls fn(arg) with rsp = stack_top (16-byte aligned), back on the caller's stack after. */
void nkp_call_on_stack(void (*fn)(void *), void *arg, void *stack_top);
/* Runs fn(arg) on a fresh NKP_STACK_SIZE stack (for threads the kernel created); returns
 * -1 if no memory. */
int nkp_run_on_big_stack(void (*fn)(void *), void *arg);

/* CPUs [0, nkp_reserved_cpus) run no runtime thread (set before the runtime starts, when
 * there are more CPUs than that); plat_cpu_count counts the others. nkp_cpu_for maps a
 * runtime core index (or -1: round robin) to an HRT CPU. */
extern int nkp_reserved_cpus;
int nkp_cpu_for(int core);

/* Runs the TLS destructor for the calling thread's value, if any (at thread exit). */
void nkp_tls_exit(void);
/* Thread t's plat_tls value, or NULL (read from another CPU: t must not be exiting). */
struct nk_thread;
void *nkp_tls_of(struct nk_thread *t);

/* Time: TSC cycles to nanoseconds, set up on first use from the kernel's TSC frequency. */
uint64_t nkp_cycles_to_ns(uint64_t cycles);

/* Native task variants: plat_symbol_lookup finds `name` (library NULL or equal) here.
 * Register with LHRT_NK_SYMBOL(fn) (library NULL = the image) or LHRT_NK_SYMBOL_IN. */
struct lhrt_nk_symbol {
  const char *library;
  const char *name;
  void *addr;
};
#define LHRT_NK_SYMBOL_IN(lib, fn)                                              \
  static const struct lhrt_nk_symbol lhrt_nk_sym_##fn                           \
      __attribute__((used, section("lhrt_symbols"), aligned(8))) = {lib, #fn, (void *)fn}
#define LHRT_NK_SYMBOL(fn) LHRT_NK_SYMBOL_IN(NULL, fn)

/* The image's global function / variable `name` (the tables hrt/symtab.sh generates), or NULL. */
void *nkp_image_symbol(const char *name);
void *nkp_image_variable(const char *name);

/* Modules (module.c), the HRT's dlopen: loads the shared library `library` from the bytes of
 * its ELF file (copied; the bytes may go after the call). Loading a name twice is a no-op.
 * Returns 0, or -1 with the reason in err. */
int nkp_module_load(const char *library, const void *file, uint64_t len, char *err, size_t errlen);
/* The exported function `symbol` of loaded module `library`, or NULL; *known says whether
 * such a module is loaded at all. */
void *nkp_module_symbol(const char *library, const char *symbol, int *known);
/* The load bias of module `library` (its address of file address 0), or 0 if not loaded: a
 * symbol's address is bias + its value, which is how the ROS names a rip inside a module. */
uint64_t nkp_module_bias(const char *library);

#endif
