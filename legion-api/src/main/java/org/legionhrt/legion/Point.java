package org.legionhrt.legion;

/**
 * A point of a 1-, 2- or 3-D index space: a task's launch point, a color of a partition, an
 * element of a region. Values are records ({@link Point1}, {@link Point2}, {@link Point3}).
 */
public sealed interface Point permits Point1, Point2, Point3 {

    /** {@return the number of dimensions (1 to 3)} */
    int dim();

    /** {@return coordinate {@code d} (0-based)} @throws IndexOutOfBoundsException if d >= dim() */
    long coord(int d);

    /** {@return the point with the given coordinates (1 to 3 of them)} */
    static Point of(long... coords) {
        return switch (coords.length) {
            case 1 -> new Point1(coords[0]);
            case 2 -> new Point2(coords[0], coords[1]);
            case 3 -> new Point3(coords[0], coords[1], coords[2]);
            default -> throw new IllegalArgumentException("a point has 1 to 3 coordinates, not " + coords.length);
        };
    }
}
