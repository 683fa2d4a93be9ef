// Conversions between the API's Point/Rect records and the C structs lhrt_point_t/lhrt_rect_t.
package org.legionhrt.legion.internal;

import java.lang.foreign.MemorySegment;
import org.legionhrt.legion.Point;
import org.legionhrt.legion.Rect;

/** Point and rectangle marshalling (internal). */
public final class Values {
    private Values() {}

    /** Writes {@code p} as an lhrt_point_t at {@code off}. */
    public static void putPoint(MemorySegment seg, long off, Point p) {
        int d = p.dim();
        Layouts.putPoint(seg, off, d, p.coord(0), d > 1 ? p.coord(1) : 0, d > 2 ? p.coord(2) : 0);
    }

    /** {@return a scratch lhrt_point_t holding p} */
    public static MemorySegment point(Scratch s, Point p) {
        MemorySegment seg = s.alloc(Layouts.POINT.byteSize());
        putPoint(seg, 0, p);
        return seg;
    }

    /** {@return the point at {@code off}} */
    public static Point getPoint(MemorySegment seg, long off) {
        return switch (Layouts.dim(seg, off)) {
            case 1 -> new org.legionhrt.legion.Point1(Layouts.pointX(seg, off, 0));
            case 2 -> new org.legionhrt.legion.Point2(Layouts.pointX(seg, off, 0), Layouts.pointX(seg, off, 1));
            case 3 -> new org.legionhrt.legion.Point3(Layouts.pointX(seg, off, 0), Layouts.pointX(seg, off, 1),
                    Layouts.pointX(seg, off, 2));
            default -> throw new IllegalStateException("runtime returned a point of dimension " + Layouts.dim(seg, off));
        };
    }

    /** Writes {@code r} as an lhrt_rect_t at {@code off}. */
    public static void putRect(MemorySegment seg, long off, Rect r) {
        int d = r.dim();
        long[] lo = new long[3];
        long[] hi = new long[3];
        for (int i = 0; i < d; i++) {
            lo[i] = r.lo(i);
            hi[i] = r.hi(i);
        }
        Layouts.putRect(seg, off, d, lo, hi);
    }

    /** {@return a scratch lhrt_rect_t holding r} */
    public static MemorySegment rect(Scratch s, Rect r) {
        MemorySegment seg = s.alloc(Layouts.RECT.byteSize());
        putRect(seg, 0, r);
        return seg;
    }

    /** {@return the rectangle at {@code off}} */
    public static Rect getRect(MemorySegment seg, long off) {
        int d = Layouts.dim(seg, off);
        long[] lo = new long[d];
        long[] hi = new long[d];
        for (int i = 0; i < d; i++) {
            lo[i] = Layouts.rectLo(seg, off, i);
            hi[i] = Layouts.rectHi(seg, off, i);
        }
        if (d < 1 || d > 3) {
            throw new IllegalStateException("runtime returned a rectangle of dimension " + d);
        }
        return Rect.of(Point.of(lo), Point.of(hi));
    }
}
