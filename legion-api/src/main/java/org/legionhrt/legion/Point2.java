package org.legionhrt.legion;

/** A point of a 2-D index space. @param x first coordinate @param y second coordinate */
public record Point2(long x, long y) implements Point {

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public long coord(int d) {
        return switch (d) {
            case 0 -> x;
            case 1 -> y;
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 2-D point");
        };
    }
}
