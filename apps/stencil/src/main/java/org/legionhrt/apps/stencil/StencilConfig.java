package org.legionhrt.apps.stencil;

/**
 * The parameters of a stencil run, with the flags of Legion's {@code examples/realm_stencil}
 * (the Parallel Research Kernels' 2-D star stencil): grid {@code -nx × -ny}, tiles
 * {@code -ntx × -nty}, radius {@code -r}, steps {@code -tsteps}, of which {@code -tprune} at each
 * end stay out of the timing (as in realm_stencil, whose timer starts at step {@code tprune} and
 * stops after step {@code tsteps - tprune - 1}), initial value {@code -init}.
 *
 * @param nx     grid points in x
 * @param ny     grid points in y
 * @param ntx    tiles in x
 * @param nty    tiles in y
 * @param radius stencil radius
 * @param tsteps steps in all
 * @param tprune steps left out of the timing at each end
 * @param init   initial value of the output field
 */
public record StencilConfig(long nx, long ny, int ntx, int nty, int radius, int tsteps, int tprune, double init) {

    /** Coefficients of the linear input field in(x, y) = CX·x + CY·y, as in the PRK. */
    public static final double CX = 1.0;
    /** See {@link #CX}. */
    public static final double CY = 1.0;

    /** Checks every parameter and names the flag at fault. */
    public StencilConfig {
        if (nx <= 0 || ny <= 0) {
            throw new IllegalArgumentException("-nx and -ny must be positive, got " + nx + " x " + ny);
        }
        if (ntx <= 0 || nty <= 0) {
            throw new IllegalArgumentException("-ntx and -nty must be positive, got " + ntx + " x " + nty);
        }
        if (ntx > nx || nty > ny) {
            throw new IllegalArgumentException("more tiles (" + ntx + " x " + nty + ") than grid points ("
                    + nx + " x " + ny + "): lower -ntx/-nty");
        }
        if (radius <= 0) {
            throw new IllegalArgumentException("-r must be positive, got " + radius);
        }
        if (radius > nx / ntx || radius > ny / nty) {
            throw new IllegalArgumentException("radius " + radius + " is wider than a tile ("
                    + nx / ntx + " x " + ny / nty + "): use fewer tiles or a smaller -r");
        }
        if (2L * radius >= Math.min(nx, ny)) {
            throw new IllegalArgumentException("-r " + radius + " leaves no interior in a " + nx + " x " + ny + " grid");
        }
        if (tprune < 0 || tsteps <= 2L * tprune) {
            throw new IllegalArgumentException("-tsteps must exceed 2 x -tprune (steps pruned at each end) and "
                    + "-tprune must be non-negative, got -tsteps " + tsteps + " -tprune " + tprune);
        }
    }

    /** {@return bytes of the grid's instances: fields in and out, a double each per point (saturating)} */
    public long instanceBytes() {
        try {
            return Math.multiplyExact(Math.multiplyExact(nx, ny), 2L * Double.BYTES);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return steps run in all} */
    public int totalSteps() {
        return tsteps;
    }

    /** {@return steps inside the timed window} */
    public int timedSteps() {
        return tsteps - 2 * tprune;
    }

    /**
     * {@return the PRK closed-form mean of |out| over the interior after every step}: each
     * application of the normalised star stencil to a linear field adds exactly CX + CY.
     */
    public double expectedMean() {
        return init + totalSteps() * (CX + CY);
    }

    /** {@return stencil flops per step over the interior, the PRK count (2·(4r+1) per point)} */
    public double flopsPerStep() {
        return 2.0 * (4 * radius + 1) * (nx - 2L * radius) * (ny - 2L * radius);
    }
}
