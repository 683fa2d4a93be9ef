package org.legionhrt.legion;

/** A 1-D rectangle (an inclusive interval). @param lo low end @param hi high end, inclusive */
public record Rect1(Point1 lo, Point1 hi) implements Rect {

    /** {@return the rectangle [lo, hi]} */
    public static Rect1 of(long lo, long hi) {
        return new Rect1(new Point1(lo), new Point1(hi));
    }

    @Override
    public int dim() {
        return 1;
    }

    @Override
    public long lo(int d) {
        checkDim(d);
        return lo.x();
    }

    @Override
    public long hi(int d) {
        checkDim(d);
        return hi.x();
    }

    /** {@return whether {@code p} lies in this rectangle} */
    public boolean contains(Point1 p) {
        return p.x() >= lo.x() && p.x() <= hi.x();
    }

    private static void checkDim(int d) {
        if (d != 0) {
            throw new IndexOutOfBoundsException("dimension " + d + " of a 1-D rectangle");
        }
    }
}
