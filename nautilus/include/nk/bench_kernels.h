/*
 * Compute kernels timed by the compute_* microbenchmarks, on both sides: the kernel
 * (core/benches.c) and its Linux twins (linux/twins.c) compile this same code, which makes
 * the pair a check that the aerokernel's code really runs at the host's native speed (the
 * HVM's premise: guest ring 3 is not emulated). Integer only and not vectorised, so that
 * both builds emit the same instructions whatever their other flags (the kernel's forbid SSE).
 *   bk_alu      a dependent chain of shifts, xors and multiplies: registers only
 *   bk_stencil  a radius-2 star stencil over a small 2-D tile: loads behind stores on every
 *               point, the inner loop of the stencil app; sensitive to how the core may
 *               speculate loads past stores (e.g. with Speculative Store Bypass Disable)
 */
#ifndef NK_BENCH_KERNELS_H
#define NK_BENCH_KERNELS_H

#include <stdint.h>

#define BK_ALU_ITERS   1024         /* compute_alu: iterations per sample */
#define BK_TILE        32           /* compute_stencil: a BK_TILE x BK_TILE tile per sample */
#define BK_RADIUS      2
#define BK_STRIDE      (BK_TILE + 2 * BK_RADIUS)
#define BK_CELLS       (BK_STRIDE * BK_STRIDE)   /* int64 elements of each of the two arrays */

#define BK_ATTR __attribute__((noinline, target("general-regs-only"), optimize("no-tree-vectorize")))

static BK_ATTR uint64_t bk_alu(uint64_t x, int iters)
{
    for (int i = 0; i < iters; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x * 0x9e3779b97f4a7c15ull + (uint64_t)i;
    }
    return x;
}

/* out[p] += sum over j of w_j * ((in[p+j] - in[p-j]) + (in[p+j*row] - in[p-j*row])). */
static BK_ATTR void bk_stencil(const int64_t *in, int64_t *out)
{
    static const int64_t w[BK_RADIUS + 1] = {0, 3, 5};
    for (int y = BK_RADIUS; y < BK_TILE + BK_RADIUS; y++)
        for (int x = BK_RADIUS; x < BK_TILE + BK_RADIUS; x++) {
            const int64_t *c = in + y * BK_STRIDE + x;
            int64_t v = 0;
            for (int j = 1; j <= BK_RADIUS; j++)
                v += w[j] * (c[j] - c[-j]) + w[j] * (c[j * BK_STRIDE] - c[-j * BK_STRIDE]);
            out[y * BK_STRIDE + x] += v;
        }
}

/* Fills the input with a pattern (the same on both sides). */
static inline void bk_stencil_init(int64_t *in, int64_t *out)
{
    for (int i = 0; i < BK_CELLS; i++) {
        in[i] = (i * 7919) % 1013;
        out[i] = 0;
    }
}

#endif /* NK_BENCH_KERNELS_H */
