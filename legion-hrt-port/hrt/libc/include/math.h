/* The HRT's math.h: the C99 functions of libc/math.c (x87 and SSE2 underneath). */
#ifndef LHRT_HRT_MATH_H
#define LHRT_HRT_MATH_H
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define HUGE_VAL __builtin_huge_val()
#define M_PI 3.14159265358979323846
#define M_E 2.7182818284590452354
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define signbit(x) __builtin_signbit(x)
double exp(double), exp2(double), exp10(double), expm1(double), log(double), log2(double), log10(double);
double log1p(double), pow(double, double), sqrt(double), cbrt(double), hypot(double, double);
double fabs(double), copysign(double, double), fmax(double, double), fmin(double, double), fmod(double, double);
double trunc(double), floor(double), ceil(double), round(double), ldexp(double, int), scalbn(double, int);
double frexp(double, int *), modf(double, double *);
double sin(double), cos(double), tan(double), asin(double), acos(double), atan(double), atan2(double, double);
double sinh(double), cosh(double), tanh(double);
void sincos(double, double *, double *);
float expf(float), exp2f(float), expm1f(float), logf(float), log2f(float), log10f(float), log1pf(float);
float sqrtf(float), cbrtf(float), fabsf(float), floorf(float), ceilf(float), truncf(float), roundf(float);
float sinf(float), cosf(float), tanf(float), asinf(float), acosf(float), atanf(float), sinhf(float);
float coshf(float), tanhf(float), powf(float, float), atan2f(float, float), fmodf(float, float);
float fminf(float, float), fmaxf(float, float), hypotf(float, float), copysignf(float, float);
#endif
