/* The HRT's math.h: the few functions SSE2 does in one instruction, plus floor/ceil. */
#ifndef LHRT_HRT_MATH_H
#define LHRT_HRT_MATH_H
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
static inline double sqrt(double x) { double r; __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x)); return r; }
static inline float sqrtf(float x) { float r; __asm__("sqrtss %1, %0" : "=x"(r) : "x"(x)); return r; }
static inline double fabs(double x) { return __builtin_fabs(x); }
static inline float fabsf(float x) { return __builtin_fabsf(x); }
static inline double fmax(double a, double b) { return a > b ? a : b; }
static inline double fmin(double a, double b) { return a < b ? a : b; }
static inline double floor(double x) {
  if (!(x > -4.5e15 && x < 4.5e15)) return x;
  double t = (double)(long long)x;
  return t > x ? t - 1 : t;
}
static inline double ceil(double x) { return -floor(-x); }
#endif
