package org.legionhrt.legion;

/** A 3-D rectangle. @param lo low corner @param hi high corner, inclusive */
public record Rect3(Point3 lo, Point3 hi) implements Rect {

    /** {@return the box [x0..x1] × [y0..y1] × [z0..z1]} */
    public static Rect3 of(long x0, long y0, long z0, long x1, long y1, long z1) {
        return new Rect3(new Point3(x0, y0, z0), new Point3(x1, y1, z1));
    }

    @Override
    public int dim() {
        return 3;
    }

    @Override
    public long lo(int d) {
        return switch (d) {
            case 0 -> lo.x();
            case 1 -> lo.y();
            case 2 -> lo.z();
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 3-D rectangle");
        };
    }

    @Override
    public long hi(int d) {
        return switch (d) {
            case 0 -> hi.x();
            case 1 -> hi.y();
            case 2 -> hi.z();
            default -> throw new IndexOutOfBoundsException("dimension " + d + " of a 3-D rectangle");
        };
    }

    /** {@return whether {@code p} lies in this rectangle} */
    public boolean contains(Point3 p) {
        return p.x() >= lo.x() && p.x() <= hi.x() && p.y() >= lo.y() && p.y() <= hi.y()
                && p.z() >= lo.z() && p.z() <= hi.z();
    }
}
