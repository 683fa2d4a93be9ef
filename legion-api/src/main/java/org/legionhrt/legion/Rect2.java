package org.legionhrt.legion;

/** A 2-D rectangle. @param lo low corner @param hi high corner, inclusive */
public record Rect2(Point2 lo, Point2 hi) implements Rect {

    /** {@return the rectangle [x0..x1] × [y0..y1]} */
    public static Rect2 of(long x0, long y0, long x1, long y1) {
        return new Rect2(new Point2(x0, y0), new Point2(x1, y1));
    }

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public long lo(int d) {
        return switch (d) {
            case 0 -> lo.x();
            case 1 -> lo.y();
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 2-D rectangle");
        };
    }

    @Override
    public long hi(int d) {
        return switch (d) {
            case 0 -> hi.x();
            case 1 -> hi.y();
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 2-D rectangle");
        };
    }

    /** {@return whether {@code p} lies in this rectangle} */
    public boolean contains(Point2 p) {
        return p.x() >= lo.x() && p.x() <= hi.x() && p.y() >= lo.y() && p.y() <= hi.y();
    }
}
