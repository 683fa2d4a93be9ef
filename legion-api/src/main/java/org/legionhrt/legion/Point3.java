package org.legionhrt.legion;

/** A point of a 3-D index space. @param x first @param y second @param z third coordinate */
public record Point3(long x, long y, long z) implements Point {

    @Override
    public int dim() {
        return 3;
    }

    @Override
    public long coord(int d) {
        return switch (d) {
            case 0 -> x;
            case 1 -> y;
            case 2 -> z;
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 3-D point");
        };
    }
}
