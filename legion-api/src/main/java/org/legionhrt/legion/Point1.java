package org.legionhrt.legion;

/** A point of a 1-D index space. @param x the coordinate */
public record Point1(long x) implements Point {

    @Override
    public int dim() {
        return 1;
    }

    @Override
    public long coord(int d) {
        if (d != 0) {
            throw new IndexOutOfBoundsException("dimension " + d + " of a 1-D point");
        }
        return x;
    }
}
