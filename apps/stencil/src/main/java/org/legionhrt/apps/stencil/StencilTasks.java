package org.legionhrt.apps.stencil;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.legionhrt.legion.DoubleAccessor;
import org.legionhrt.legion.Field;
import org.legionhrt.legion.Rect;
import org.legionhrt.legion.TaskContext;

/**
 * The Java bodies of the stencil's tasks, one tile each (the launch point). The native
 * variants ({@code src/main/c/stencil.c}) take the same regions in the same order.
 */
final class StencilTasks {
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** Field ids, shared with the native kernels. */
    static final int FID_INPUT = 1;
    static final int FID_OUTPUT = 2;

    private StencilTasks() {}

    /** Task arguments ({@code struct stencil_args}: radius, pad, init). */
    static byte[] args(StencilConfig c) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(c.radius()).putInt(0)
                .putDouble(c.init()).array();
    }

    static int radius(TaskContext ctx) {
        return ctx.args().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** init: 0 = this tile (WRITE_DISCARD input and output): input = CX·x + CY·y, output = init. */
    static void init(TaskContext ctx, Field in, Field out) {
        double init = ctx.args().get(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, 8);
        DoubleAccessor a = ctx.region(0).doubleField(in);
        DoubleAccessor b = ctx.region(0).doubleField(out);
        Rect r = a.bounds();
        for (long y = r.lo(1); y <= r.hi(1); y++) {
            for (long x = r.lo(0); x <= r.hi(0); x++) {
                a.set(x, y, StencilConfig.CX * x + StencilConfig.CY * y);
                b.set(x, y, init);
            }
        }
    }

    /**
     * stencil: 0 = this tile with its halo (READ_ONLY input), 1 = this tile's interior
     * points (READ_WRITE output): out += the radius-r star stencil of the input, with the PRK's
     * weights ±1/(2·j·r) at distance j along each axis. The loops work on the raw segments
     * (byte offsets and strides from the accessors, which checked the bounds once).
     */
    static void stencil(TaskContext ctx, Field in, Field out) {
        int r = radius(ctx);
        DoubleAccessor a = ctx.region(0).doubleField(in);
        DoubleAccessor b = ctx.region(1).doubleField(out);
        Rect box = b.bounds();
        if (box == null) {
            return; // a tile with no interior point
        }
        double[] w = weights(r);
        MemorySegment src = a.segment();
        MemorySegment dst = b.segment();
        long x0 = box.lo(0);
        long y0 = box.lo(1);
        long sx = a.offset(x0 + 1, y0, 0) - a.offset(x0, y0, 0);
        long sy = a.offset(x0, y0 + 1, 0) - a.offset(x0, y0, 0);
        long dx = box.hi(0) > x0 ? b.offset(x0 + 1, y0, 0) - b.offset(x0, y0, 0) : 0;
        for (long y = y0; y <= box.hi(1); y++) {
            long ia = a.offset(x0, y, 0);
            long ib = b.offset(x0, y, 0);
            for (long x = x0; x <= box.hi(0); x++, ia += sx, ib += dx) {
                double v = 0;
                for (int j = 1; j <= r; j++) {
                    v += w[j] * (src.get(F64, ia + j * sx) - src.get(F64, ia - j * sx))
                            + w[j] * (src.get(F64, ia + j * sy) - src.get(F64, ia - j * sy));
                }
                dst.set(F64, ib, dst.get(F64, ib) + v);
            }
        }
    }

    /** increment: 0 = this tile (READ_WRITE input): input += 1. */
    static void increment(TaskContext ctx, Field in) {
        DoubleAccessor a = ctx.region(0).doubleField(in);
        Rect box = a.bounds();
        MemorySegment seg = a.segment();
        long dx = box.hi(0) > box.lo(0) ? a.offset(box.lo(0) + 1, box.lo(1), 0) - a.offset(box.lo(0), box.lo(1), 0) : 0;
        for (long y = box.lo(1); y <= box.hi(1); y++) {
            long i = a.offset(box.lo(0), y, 0);
            for (long x = box.lo(0); x <= box.hi(0); x++, i += dx) {
                seg.set(F64, i, seg.get(F64, i) + 1.0);
            }
        }
    }

    /** {@return w[j] = 1/(2·j·r) for j = 1..r (w[0] unused)} */
    static double[] weights(int r) {
        double[] w = new double[r + 1];
        for (int j = 1; j <= r; j++) {
            w[j] = 1.0 / (2.0 * j * r);
        }
        return w;
    }
}
