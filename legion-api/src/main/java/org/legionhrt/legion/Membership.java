package org.legionhrt.legion;

import java.util.List;

/**
 * The points of a sparse region, for the accessors' checks (package-private). A sparse region
 * (a piece of a partition by field or by points) fills only part of its bounding rectangle,
 * and the rest of that rectangle in the instance holds other pieces' points, which sibling
 * tasks may be writing at the same time: a bounds check alone would let a task read or
 * overwrite them. 1-D spaces are sorted, disjoint intervals (binary search); 2-D and 3-D ones
 * are searched rectangle by rectangle. Either way the last rectangle hit is tried first, since
 * loops walk neighbours.
 */
final class Membership {
    private final int dim;
    private final int n;
    /** Rectangle i spans lo[3i+d]..hi[3i+d] in dimension d (unused dimensions 0..0). */
    private final long[] lo;
    private final long[] hi;
    /** The rectangle of the last hit: a hint, read and written racily (always a valid index). */
    private int last;

    private Membership(int dim, List<Rect> rects) {
        this.dim = dim;
        this.n = rects.size();
        this.lo = new long[3 * n];
        this.hi = new long[3 * n];
        for (int i = 0; i < n; i++) {
            Rect r = rects.get(i);
            for (int d = 0; d < dim; d++) {
                lo[3 * i + d] = r.lo(d);
                hi[3 * i + d] = r.hi(d);
            }
        }
    }

    /** {@return the membership of a space of dimension {@code dim} made of {@code rects} (1-D: sorted, disjoint)} */
    static Membership of(int dim, List<Rect> rects) {
        return new Membership(dim, rects);
    }

    /** {@return how many rectangles make the space} */
    int rectCount() {
        return n;
    }

    /** {@return rectangle i's low corner in dimension d} */
    long lo(int i, int d) {
        return lo[3 * i + d];
    }

    /** {@return rectangle i's high corner in dimension d} */
    long hi(int i, int d) {
        return hi[3 * i + d];
    }

    /** {@return whether 1-D point x is in the space} */
    boolean contains(long x) {
        return interval(x) >= 0;
    }

    /** {@return whether the 1-D points x0..x1 are all in the space (they must lie in one interval)} */
    boolean containsRange(long x0, long x1) {
        int i = interval(x0);
        return i >= 0 && hi[3 * i] >= x1;
    }

    /** {@return the first 1-D point of x0..x1 that is not in the space (x1 + 1 when all are)} */
    long firstMissing(long x0, long x1) {
        long x = x0;
        while (x <= x1) {
            int i = interval(x);
            if (i < 0) {
                return x;
            }
            x = hi[3 * i] + 1;
        }
        return x1 + 1;
    }

    /** {@return whether the point (x, y, z) of this space's dimension is in it} */
    boolean contains(long x, long y, long z) {
        if (dim == 1) {
            return contains(x);
        }
        int h = last;
        if (h < n && in(h, x, y, z)) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (in(i, x, y, z)) {
                last = i;
                return true;
            }
        }
        return false;
    }

    private boolean in(int i, long x, long y, long z) {
        int b = 3 * i;
        return x >= lo[b] && x <= hi[b] && y >= lo[b + 1] && y <= hi[b + 1]
                && (dim < 3 || z >= lo[b + 2] && z <= hi[b + 2]);
    }

    /** The interval holding 1-D point x, or -1: the last one hit, else a binary search. */
    private int interval(long x) {
        int h = last;
        if (h < n && lo[3 * h] <= x && x <= hi[3 * h]) {
            return h;
        }
        int a = 0;
        int b = n;
        while (a < b) {                       // the first interval whose high end is >= x
            int mid = (a + b) >>> 1;
            if (hi[3 * mid] < x) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        if (a < n && lo[3 * a] <= x) {
            last = a;
            return a;
        }
        return -1;
    }
}
