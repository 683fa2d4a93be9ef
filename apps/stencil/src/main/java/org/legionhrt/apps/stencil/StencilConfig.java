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

    /** Bytes of instances per grid point: fields in and out, a double each. */
    public static final int BYTES_PER_POINT = 2 * Double.BYTES;
    /** The most grid points whose instances' size fits a long. */
    public static final long MAX_POINTS = Long.MAX_VALUE / BYTES_PER_POINT;

    /** The most tiles: the colors a partition of the runtime may have. */
    public static final long MAX_TILES = org.legionhrt.legion.Partition.MAX_COLORS;

    /** Checks every parameter and names the flag at fault. */
    public StencilConfig {
        if (nx <= 0 || ny <= 0) {
            throw new IllegalArgumentException("-nx and -ny must be positive, got " + nx + " x " + ny);
        }
        if (nx > MAX_POINTS / ny) {          // nx · ny > MAX_POINTS, without overflowing
            throw new IllegalArgumentException("-nx " + nx + " x -ny " + ny + " is more than the " + MAX_POINTS
                    + " grid points whose instances (" + BYTES_PER_POINT + " bytes a point) a 64-bit size can count: lower -nx or -ny");
        }
        if (!Double.isFinite(init)) {
            throw new IllegalArgumentException("-init must be a finite number, got " + init);
        }
        if (ntx <= 0 || nty <= 0) {
            throw new IllegalArgumentException("-ntx and -nty must be positive, got " + ntx + " x " + nty);
        }
        if (ntx > nx || nty > ny) {
            throw new IllegalArgumentException("more tiles (" + ntx + " x " + nty + ") than grid points ("
                    + nx + " x " + ny + "): lower -ntx/-nty");
        }
        if ((long) ntx * nty > MAX_TILES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "-ntx %d x -nty %d = %d tiles, more "
                    + "than the %d (2^26) a partition of the runtime may have: lower -ntx or -nty", ntx, nty,
                    (long) ntx * nty, MAX_TILES));
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

    /** {@return bytes of the grid's instances: fields in and out, a double each per point} */
    public long instanceBytes() {
        return nx * ny * BYTES_PER_POINT;          // the constructor refused grids whose size overflows
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
     * application of the normalised star stencil to a linear field adds exactly CX + CY, so
     * every interior point holds init + steps·(CX + CY) (its absolute value, for a negative init).
     */
    public double expectedMean() {
        return Math.abs(init + totalSteps() * (CX + CY));
    }

    /**
     * {@return how far {@code meanAbsOut} is from {@link #expectedMean()}}: relative, or absolute
     * where the closed form is 0 (an init of -steps·(CX + CY)); NaN for a NaN mean.
     */
    public double error(double meanAbsOut) {
        double expected = expectedMean();
        double diff = Math.abs(meanAbsOut - expected);
        return expected == 0 ? diff : diff / expected;
    }

    /**
     * {@return how far one interior output point {@code out} is from the closed form
     * init + steps·(CX + CY)}: relative, or absolute where that is 0; NaN for NaN. Every interior
     * point computes the very same sums (the input's differences are exact small integers), so
     * each must match, not only their mean.
     */
    public double pointError(double out) {
        double expected = init + totalSteps() * (CX + CY);
        double diff = Math.abs(out - expected);
        return expected == 0 ? diff : diff / Math.abs(expected);
    }

    /** {@return stencil flops per step over the interior, the PRK count (2·(4r+1) per point)} */
    public double flopsPerStep() {
        return 2.0 * (4 * radius + 1) * (nx - 2L * radius) * (ny - 2L * radius);
    }
}
