/*
 * libm for the HRT: what task kernels built for Linux call (modules bind to these by name).
 * The transcendental functions run on the x87 unit, whose instructions (f2xm1, fyl2x, fsin,
 * fpatan, ...) compute in 64-bit precision at CPL3, so rounding the result to double keeps it
 * within about one ulp of glibc for ordinary arguments; the C99 special cases (zeros,
 * infinities, NaN, negative bases) are handled in C before the x87 sees them. The float forms
 * go through double. Trigonometry reduces its argument itself (see reduce()).
 */
#include <stdint.h>
#include <math.h>

typedef long double ld;

static ld x87_sqrt(ld x) {
  ld r;
  __asm__("fsqrt" : "=t"(r) : "0"(x));
  return r;
}

static ld x87_log2(ld x) {   /* 1 * log2(x) */
  ld r;
  __asm__("fld1; fxch; fyl2x" : "=t"(r) : "0"(x));
  return r;
}

/* 2^x for finite x: 2^round(x) * 2^(x - round(x)), the fraction in [-0.5, 0.5] for f2xm1. */
static ld x87_exp2(ld x) {
  ld i, f, r;
  __asm__("frndint" : "=t"(i) : "0"(x));
  f = x - i;
  __asm__("f2xm1" : "=t"(r) : "0"(f));
  r += 1;
  __asm__("fscale" : "=t"(r) : "0"(r), "u"(i));
  return r;
}

static const ld LOG2E = 1.44269504088896340735992468100189214L;

static double exp2_checked(ld t) {
  if (t != t) return (double)t;
  if (t > 1100) return INFINITY;
  if (t < -1100) return 0;
  return (double)x87_exp2(t);
}

double exp2(double x) { return exp2_checked(x); }
double exp(double x) { return exp2_checked(x * LOG2E); }
double exp10(double x) { return exp2_checked(x * 3.32192809488736234787031942948939018L); }

/* e^x - 1, accurate near 0: f2xm1 directly where its argument stays in [-1, 1]. */
static ld expm1l_(ld x) {
  ld t = x * LOG2E, r;
  if (t > -1 && t < 1) {
    __asm__("f2xm1" : "=t"(r) : "0"(t));
    return r;
  }
  if (t > 1100) return INFINITY;
  if (t < -1100) return -1;
  return x87_exp2(t) - 1;
}
double expm1(double x) { return x != x ? x : (double)expm1l_(x); }

double log2(double x) { return (double)x87_log2(x); }
double log(double x) {
  ld r;
  __asm__("fldln2; fxch; fyl2x" : "=t"(r) : "0"((ld)x));
  return (double)r;
}
double log10(double x) {
  ld r;
  __asm__("fldlg2; fxch; fyl2x" : "=t"(r) : "0"((ld)x));
  return (double)r;
}
double log1p(double x) {
  if (!(x > -0.29 && x < 0.29)) return log(1 + (ld)x);   /* fyl2xp1's range is |x| < 1 - sqrt(2)/2 */
  ld r;
  __asm__("fldln2; fxch; fyl2xp1" : "=t"(r) : "0"((ld)x));
  return (double)r;
}

double trunc(double x) {
  if (!(fabs(x) < 4.5e15)) return x;                    /* integral already, or NaN */
  return __builtin_copysign((double)(long long)x, x);  /* keeps -0.0 */
}
double floor(double x) {
  double t = trunc(x);
  return t > x ? t - 1 : t;
}
double ceil(double x) {
  double t = trunc(x);
  return t < x ? t + 1 : t;
}
double round(double x) {
  double t = trunc(x);
  return fabs(x - t) >= 0.5 ? t + __builtin_copysign(1.0, x) : t;
}

static int is_integer(double y) { return fabs(y) >= 4.5e15 || trunc(y) == y; }
static int is_odd_integer(double y) { return fabs(y) < 9.0e15 && trunc(y) == y && ((long long)y & 1); }

double pow(double x, double y) {
  if (y == 0 || x == 1) return 1;
  if (x != x || y != y) return x + y;
  if (isinf(y)) {
    double ax = fabs(x);
    if (ax == 1) return 1;
    return (ax > 1) == (y > 0) ? INFINITY : 0;
  }
  if (x == 0) {
    int odd = is_odd_integer(y);
    if (y > 0) return odd ? x : 0;
    return odd ? __builtin_copysign(INFINITY, x) : INFINITY;
  }
  if (isinf(x)) {
    if (x > 0) return y > 0 ? INFINITY : 0;
    int odd = is_odd_integer(y);
    if (y > 0) return odd ? -INFINITY : INFINITY;
    return odd ? -0.0 : 0;
  }
  double sign = 1;
  if (x < 0) {
    if (!is_integer(y)) return NAN;
    sign = is_odd_integer(y) ? -1 : 1;
    x = -x;
  }
  return sign * exp2_checked((ld)y * x87_log2(x));
}

double sqrt(double x) {
  double r;
  __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
  return r;
}
double cbrt(double x) {
  if (x == 0 || x != x || isinf(x)) return x;
  double r = exp2_checked(x87_log2(fabs(x)) / 3);
  r = __builtin_copysign(r, x);
  return r - (r * r * r - x) / (3 * r * r);   /* one Newton step */
}
double hypot(double a, double b) {
  if (isinf(a) || isinf(b)) return INFINITY;
  ld x = a, y = b;
  return (double)x87_sqrt(x * x + y * y);
}

double fabs(double x) { return __builtin_fabs(x); }
double copysign(double x, double y) { return __builtin_copysign(x, y); }
double fmax(double a, double b) { return a != a ? b : b != b ? a : a > b ? a : b; }
double fmin(double a, double b) { return a != a ? b : b != b ? a : a < b ? a : b; }

/* The exact remainder of x / y with the quotient's sign of x; fprem iterates until done. */
double fmod(double x, double y) {
  if (y == 0 || isinf(x) || x != x || y != y) return (x * y) / (x * y);
  if (isinf(y)) return x;
  ld r;
  __asm__("1: fprem; fnstsw %%ax; testb $4, %%ah; jnz 1b" : "=t"(r) : "0"((ld)x), "u"((ld)y) : "ax", "cc");
  return (double)r;
}

double ldexp(double x, int e) {
  ld r;
  __asm__("fscale" : "=t"(r) : "0"((ld)x), "u"((ld)e));
  return (double)r;
}
double scalbn(double x, int e) { return ldexp(x, e); }

double frexp(double x, int *e) {
  *e = 0;
  if (x == 0 || x != x || isinf(x)) return x;
  union { double d; uint64_t u; } v = {x};
  int be = (int)((v.u >> 52) & 0x7ff);
  if (be == 0) {                                 /* subnormal: scale up first */
    v.d = x * 0x1p64;
    be = (int)((v.u >> 52) & 0x7ff) - 64;
  }
  *e = be - 1022;
  v.u = (v.u & ~(0x7ffull << 52)) | (1022ull << 52);
  return v.d;
}

double modf(double x, double *ip) {
  double t = trunc(x);
  *ip = t;
  return isinf(x) ? __builtin_copysign(0.0, x) : x - t;
}

/* Trigonometry. fsin and fcos reduce their argument with a 66-bit π, which loses digits for
 * large arguments (sin(1e10) off in the 11th digit), so we reduce first: x = k·π/2 + r with
 * |r| <= π/4, π/2 split in three (Cody-Waite: the first two parts short enough that k times
 * them is exact for |k| < 2^40), and the quadrant k mod 4 picks the function of r. Beyond
 * 2^40 (~1.1e12) the reduction falls back to fprem1 by an 80-bit 2π: fewer correct digits
 * there (glibc reduces exactly at any size). */
static const ld PIO2_1 = 0x6487edp-22L, PIO2_2 = 0x14442dp-44L, PIO2_3 = 0xc234c4c6628b80dcp-111L;
static const ld TWO_OVER_PI = 0xa2f9836e4e44152ap-64L;

static ld x87_sin(ld x) { ld r; __asm__("fsin" : "=t"(r) : "0"(x)); return r; }
static ld x87_cos(ld x) { ld r; __asm__("fcos" : "=t"(r) : "0"(x)); return r; }
static ld x87_tan(ld x) { ld r; __asm__("fptan; fstp %%st(0)" : "=t"(r) : "0"(x)); return r; }   /* fptan pushes 1.0 */

/* r and the quadrant q (0..3) with x = (4n + q)·π/2 + r. */
static ld reduce(ld x, int *q) {
  *q = 0;
  if (__builtin_fabsl(x) <= 0.785398163397448309615660845819875721L) return x;
  if (__builtin_fabsl(x) < 0x1p40L) {
    ld k;
    __asm__("frndint" : "=t"(k) : "0"(x * TWO_OVER_PI));
    *q = (int)((long long)k & 3);
    return ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
  }
  static const ld TWO_PI = 6.28318530717958647692528676655900577L;
  ld r;
  __asm__("1: fprem1; fnstsw %%ax; testb $4, %%ah; jnz 1b" : "=t"(r) : "0"(x), "u"(TWO_PI) : "ax", "cc");
  return r;   /* |r| <= π: in fsin's range, quadrant 0 */
}

double sin(double x) {
  if (isinf(x)) return NAN;
  int q;
  ld r = reduce(x, &q);
  ld v = q & 1 ? x87_cos(r) : x87_sin(r);
  return (double)(q & 2 ? -v : v);
}
double cos(double x) {
  if (isinf(x)) return NAN;
  int q;
  ld r = reduce(x, &q);
  ld v = q & 1 ? x87_sin(r) : x87_cos(r);
  return (double)(q == 1 || q == 2 ? -v : v);
}
double tan(double x) {
  if (isinf(x)) return NAN;
  int q;
  ld r = reduce(x, &q), t = x87_tan(r);
  return (double)(q & 1 ? -1 / t : t);
}
void sincos(double x, double *s, double *c) {
  *s = sin(x);
  *c = cos(x);
}

double atan2(double y, double x) {
  ld r;
  __asm__("fpatan" : "=t"(r) : "0"((ld)x), "u"((ld)y) : "st(1)");
  return (double)r;
}
double atan(double x) { return atan2(x, 1); }
double asin(double x) {
  if (!(fabs(x) <= 1)) return NAN;
  ld a = x;
  return atan2(x, (double)x87_sqrt((1 - a) * (1 + a)));
}
double acos(double x) {
  if (!(fabs(x) <= 1)) return NAN;
  ld a = x;
  return atan2((double)x87_sqrt((1 - a) * (1 + a)), x);
}

double sinh(double x) {
  double a = fabs(x);
  if (a < 0x1p-28) return x;
  if (a > 710) return __builtin_copysign(INFINITY, x);
  ld e = expm1l_(a);
  return __builtin_copysign((double)((e + e / (e + 1)) / 2), x);
}
double cosh(double x) {
  double a = fabs(x);
  if (a > 710) return INFINITY;
  ld e = x87_exp2(a * LOG2E);
  return (double)((e + 1 / e) / 2);
}
double tanh(double x) {
  double a = fabs(x);
  if (a < 0x1p-28) return x;
  if (a > 22) return __builtin_copysign(1.0, x);
  ld e = expm1l_(2 * (ld)a);
  return __builtin_copysign((double)(e / (e + 2)), x);
}

/* The float forms: through double, then rounded once. */
#define F1(name) float name##f(float x) { return (float)name(x); }
#define F2(name) float name##f(float x, float y) { return (float)name(x, y); }
F1(exp) F1(exp2) F1(expm1) F1(log) F1(log2) F1(log10) F1(log1p) F1(sqrt) F1(cbrt) F1(fabs) F1(floor) F1(ceil)
F1(trunc) F1(round) F1(sin) F1(cos) F1(tan) F1(asin) F1(acos) F1(atan) F1(sinh) F1(cosh) F1(tanh)
F2(pow) F2(atan2) F2(fmod) F2(fmin) F2(fmax) F2(hypot) F2(copysign)
