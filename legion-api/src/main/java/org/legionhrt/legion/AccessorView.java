package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongFunction;
import org.legionhrt.legion.internal.Layouts;

/**
 * One field of a physical instance as the C runtime describes it (lhrt_accessor_t), decoded
 * into plain longs that the typed accessors copy into their own final fields
 * (package-private). The segment covers exactly the bytes the bounds can address, so the
 * memory API itself stops any access that slips past the bound checks.
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
record AccessorView(MemorySegment seg, int dim, long lo0, long lo1, long lo2, long ext0, long ext1, long ext2,
                    long s0, long s1, long s2, int fieldSize, Privilege.Mode mode, int redop, Rect bounds, Field field,
                    Membership members) {

    /**
     * Decodes the lhrt_accessor_t in {@code acc}; the view lives as long as {@code scope}. Where
     * the runtime names a sparse index space, {@code sparse} gives its points (members; null: dense).
     */
    static AccessorView decode(MemorySegment acc, Field field, Arena scope, LongFunction<Membership> sparse) {
        long base = acc.get(ADDRESS, 0).address();
        long[] stride = new long[3];
        for (int d = 0; d < 3; d++) {
            stride[d] = acc.get(JAVA_LONG, 8 + 8L * d);
        }
        long rectOff = 32;
        int dim = Layouts.dim(acc, rectOff);
        long[] lo = new long[3];
        long[] ext = {1, 1, 1};
        boolean empty = false;
        for (int d = 0; d < dim; d++) {
            lo[d] = Layouts.rectLo(acc, rectOff, d);
            ext[d] = Layouts.rectHi(acc, rectOff, d) - lo[d] + 1;
            empty |= ext[d] <= 0;
        }
        int fsize = acc.get(JAVA_INT, 88 + 4);
        int priv = acc.get(JAVA_INT, 88 + 8);
        int redop = acc.get(JAVA_INT, 88 + 12);
        long span = 0;
        if (!empty) {
            for (int d = 0; d < dim; d++) {
                span += Math.abs(stride[d]) * (ext[d] - 1);
            }
            span += fsize;
        } else {
            ext = new long[] {0, 0, 0};
        }
        long minOff = 0;
        for (int d = 0; d < dim; d++) {
            if (stride[d] < 0) {
                minOff += stride[d] * (ext[d] - 1);
            }
        }
        // SAFETY: the runtime guarantees [base + minOff, base + minOff + span) is the instance's
        // storage of this field over the bounds, alive while the task or mapping holds it; the
        // segment's scope is closed when they end.
        MemorySegment seg = empty || base == 0 ? MemorySegment.NULL.reinterpret(0)
                : MemorySegment.ofAddress(base + minOff).reinterpret(span, scope, null);
        Privilege.Mode mode = switch (priv) {
            case 1 -> Privilege.Mode.READ_ONLY;
            case 2 -> Privilege.Mode.READ_WRITE;
            case 3 -> Privilege.Mode.WRITE_DISCARD;
            case 4 -> Privilege.Mode.REDUCE;
            default -> throw new LegionException("runtime gave an accessor with privilege " + priv);
        };
        long space = acc.get(ADDRESS, Layouts.ACCESSOR_SPACE).address();
        return new AccessorView(seg, dim, lo[0], lo[1], lo[2], ext[0], ext[1], ext[2],
                stride[0], stride[1], stride[2], fsize, mode, redop, empty ? null : org.legionhrt.legion.internal.Values.getRect(acc, rectOff), field,
                space == 0 || empty ? null : sparse.apply(space));
    }

    /** A run of points along dimension 0: its first element's offset in seg, its length, and its indices in the bounds. */
    interface RowVisitor {
        void row(long offset, long len, long x, long y, long z);
    }

    /** Visits the region's points row by row: all of the bounds, or each rectangle of a sparse region. */
    void forEachRow(RowVisitor r) {
        long org = origin();
        int rects = members == null ? 1 : members.rectCount();
        for (int i = 0; i < rects; i++) {
            long x0 = members == null ? 0 : members.lo(i, 0) - lo0;
            long x1 = members == null ? ext0 - 1 : members.hi(i, 0) - lo0;
            long y0 = members == null ? 0 : members.lo(i, 1) - lo1;
            long y1 = members == null ? ext1 - 1 : members.hi(i, 1) - lo1;
            long z0 = members == null ? 0 : members.lo(i, 2) - lo2;
            long z1 = members == null ? ext2 - 1 : members.hi(i, 2) - lo2;
            for (long z = z0; z <= z1; z++) {
                for (long y = y0; y <= y1; y++) {
                    r.row(org + x0 * s0 + y * s1 + z * s2, x1 - x0 + 1, x0, y, z);
                }
            }
        }
    }

    /** {@return the error for {@code point}, inside the bounds but another piece's (the region is sparse)} */
    IndexOutOfBoundsException notInRegion(String point) {
        return new IndexOutOfBoundsException("point " + point + " is inside the bounds " + bounds + " of " + field
                + " but not in its region (a sparse region: another piece's point)");
    }

    /** {@return the point (x, y, z) of dimension d as the accessors' messages show it} */
    static String pointText(int d, long x, long y, long z) {
        return d == 1 ? "(" + x + ")" : d == 2 ? "(" + x + ", " + y + ")" : "(" + x + ", " + y + ", " + z + ")";
    }

    /** {@return byte offset of the origin inside seg (non-zero only with negative strides)} */
    long origin() {
        long o = 0;
        if (s0 < 0) {
            o -= s0 * (ext0 - 1);
        }
        if (s1 < 0) {
            o -= s1 * (ext1 - 1);
        }
        if (s2 < 0) {
            o -= s2 * (ext2 - 1);
        }
        return o;
    }
}
