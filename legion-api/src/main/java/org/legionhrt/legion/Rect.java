package org.legionhrt.legion;

/**
 * A dense, inclusive rectangle of points ({@code lo} to {@code hi} in every dimension), the
 * building block of index spaces. An empty rectangle has {@code hi < lo} in some dimension.
 */
public sealed interface Rect permits Rect1, Rect2, Rect3 {

    /** {@return the number of dimensions (1 to 3)} */
    int dim();

    /** {@return the low corner's coordinate in dimension {@code d}} */
    long lo(int d);

    /** {@return the high corner's coordinate in dimension {@code d} (inclusive)} */
    long hi(int d);

    /** {@return the rectangle from corner {@code lo} to corner {@code hi} (same dimension)} */
    static Rect of(Point lo, Point hi) {
        if (lo.dim() != hi.dim()) {
            throw new IllegalArgumentException("corners of different dimensions: " + lo + ", " + hi);
        }
        return switch (lo) {
            case Point1 a -> new Rect1(a, (Point1) hi);
            case Point2 a -> new Rect2(a, (Point2) hi);
            case Point3 a -> new Rect3(a, (Point3) hi);
        };
    }

    /** {@return the low corner} */
    Point lo();

    /** {@return the high corner (inclusive)} */
    Point hi();

    /** {@return whether point {@code p} (same dimension) lies in this rectangle} */
    default boolean contains(Point p) {
        if (p.dim() != dim()) {
            throw new IllegalArgumentException("a " + p.dim() + "-D point against a " + dim() + "-D rectangle");
        }
        for (int d = 0; d < dim(); d++) {
            if (p.coord(d) < lo(d) || p.coord(d) > hi(d)) {
                return false;
            }
        }
        return true;
    }

    /** {@return the number of points; 0 when empty} @throws ArithmeticException past 2^63 - 1 points */
    default long volume() {
        long v = 1;
        for (int d = 0; d < dim(); d++) {
            long extent = hi(d) - lo(d) + 1;
            if (extent <= 0) {
                return 0;
            }
            v = Math.multiplyExact(v, extent);
        }
        return v;
    }

    /** {@return whether the rectangle holds no point} */
    default boolean isEmpty() {
        return volume() == 0;
    }

    /** {@return whether {@code other} (same dimension) shares at least one point with this} */
    default boolean overlaps(Rect other) {
        requireSameDim(other);
        for (int d = 0; d < dim(); d++) {
            if (Math.max(lo(d), other.lo(d)) > Math.min(hi(d), other.hi(d))) {
                return false;
            }
        }
        return !isEmpty() && !other.isEmpty();
    }

    /** {@return whether every point of {@code other} (same dimension) is in this} */
    default boolean covers(Rect other) {
        requireSameDim(other);
        if (other.isEmpty()) {
            return true;
        }
        for (int d = 0; d < dim(); d++) {
            if (other.lo(d) < lo(d) || other.hi(d) > hi(d)) {
                return false;
            }
        }
        return true;
    }

    private void requireSameDim(Rect other) {
        if (other.dim() != dim()) {
            throw new IllegalArgumentException("cannot compare a " + dim() + "-D rectangle with a "
                    + other.dim() + "-D one");
        }
    }
}
