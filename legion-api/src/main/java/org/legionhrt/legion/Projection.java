package org.legionhrt.legion;

/**
 * A projection functor of an index launch: which color of a partition point {@code p} of the
 * launch gets. {@link #IDENTITY} (color = point) is built in; others are registered with
 * {@link Runtime#registerProjection(ProjectionFunction)}.
 *
 * @param id the runtime's projection id (0 = identity)
 */
public record Projection(int id) {

    /** Color = launch point. */
    public static final Projection IDENTITY = new Projection(0);

    /** The body of a user projection. */
    @FunctionalInterface
    public interface ProjectionFunction {
        /**
         * {@return the color for launch point {@code p}}
         *
         * @param p      the point
         * @param domain the bounds of the launch domain
         */
        Point project(Point p, Rect domain);
    }
}
