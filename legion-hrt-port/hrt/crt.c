/*
 * What a hosted C program expects before main and the kernel does not do: run the
 * constructors in .init_array (the runtime's tests register themselves from them), once.
 */
#include <nk/atomic.h>

typedef void (*ctor_fn)(void);
extern ctor_fn __init_array_start[], __init_array_end[];

void lhrt_hrt_run_constructors(void) {
  static volatile int done;
  int zero = 0;
  if (!nk_cas(&done, &zero, 1)) return;
  for (ctor_fn *f = __init_array_start; f < __init_array_end; f++) (*f)();
}
