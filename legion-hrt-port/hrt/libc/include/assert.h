/* The HRT's assert: a failed assertion panics the kernel (the VMM reports it). */
#ifndef LHRT_HRT_ASSERT_H
#define LHRT_HRT_ASSERT_H
void lhrt_hrt_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : lhrt_hrt_assert_fail(#e, __FILE__, __LINE__))
#endif
#endif
