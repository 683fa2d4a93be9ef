package org.legionhrt.apps.circuit;

/**
 * The parameters of a circuit run, with Legion's flags and defaults ({@code examples/circuit}):
 * {@code -l} loops, {@code -i} inner steps, {@code -p} pieces, {@code -npp} nodes per piece,
 * {@code -wpp} wires per piece, {@code -pct} percent of wires private to a piece, {@code -s} seed.
 *
 * @param loops         time-step loops
 * @param steps         inner relaxation steps of calc_new_currents
 * @param pieces        pieces (the index launch domain)
 * @param nodesPerPiece nodes per piece
 * @param wiresPerPiece wires per piece
 * @param pctPrivate    percent of a piece's wires with both ends in the piece
 * @param seed          generator seed
 */
public record CircuitConfig(int loops, int steps, int pieces, int nodesPerPiece, int wiresPerPiece,
                            int pctPrivate, long seed) {

    /** Segments per wire: 10 currents, 9 inner voltages, as in Legion. */
    public static final int WIRE_SEGMENTS = 10;

    /** Legion's defaults. */
    public static final CircuitConfig DEFAULTS = new CircuitConfig(2, 10000, 4, 1024, 1024, 95, 12345);

    /** Checks every parameter and names the flag at fault. */
    public CircuitConfig {
        positive("-l", loops);
        positive("-i", steps);
        positive("-p", pieces);
        positive("-npp", nodesPerPiece);
        positive("-wpp", wiresPerPiece);
        if (pctPrivate < 0 || pctPrivate > 100) {
            throw new IllegalArgumentException("-pct must be within 0..100, got " + pctPrivate);
        }
        if (pieces == 1 && pctPrivate < 100) {
            // Shared wires need a second piece to reach; Legion silently keeps them private.
            throw new IllegalArgumentException("-pct " + pctPrivate + " needs at least 2 pieces (-p) for shared wires; use -pct 100 with -p 1");
        }
        if (pieces > MAX_PIECES) {
            throw new IllegalArgumentException("-p " + pieces + " is more than the " + MAX_PIECES + " (2^26) pieces a "
                    + "partition of the runtime may have: lower -p, with more nodes and wires per piece");
        }
        // Nodes and wires are indexed by int (the state's arrays, the generator): refuse more early.
        total("-p", pieces, "-npp", nodesPerPiece, "nodes");
        total("-p", pieces, "-wpp", wiresPerPiece, "wires");
    }

    /** The most pieces: the colors a partition of the runtime may have (a piece is one). */
    public static final int MAX_PIECES = (int) org.legionhrt.legion.Partition.MAX_COLORS;

    /** The most nodes, and the most wires, a circuit may have: its arrays are indexed by int. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private static void total(String countFlag, int count, String perFlag, int per, String what) {
        long n = (long) count * per;
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s %d x %s %d = %d %s, more than the %d a circuit may have (they are indexed by int): lower %s or %s",
                    countFlag, count, perFlag, per, n, what, MAX_ELEMENTS, countFlag, perFlag));
        }
    }

    private static void positive(String flag, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, got " + v);
        }
    }

    /** {@return total wires} */
    public long wires() {
        return (long) pieces * wiresPerPiece;
    }

    /** {@return total nodes} */
    public long nodes() {
        return (long) pieces * nodesPerPiece;
    }

    /** {@return bytes of the node and wire instances (saturating)} */
    public long instanceBytes() {
        try {
            return Math.addExact(Math.multiplyExact(nodes(), CircuitFields.NODE_BYTES),
                    Math.multiplyExact(wires(), CircuitFields.WIRE_BYTES));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return bytes of one {@link CircuitState} of this circuit, its plain arrays (saturating)} */
    public long arrayBytes() {
        long perNode = 4L * Float.BYTES;                                        // cap, leakage, charge, voltage
        long perWire = 2L * Long.BYTES + (3L + 2 * WIRE_SEGMENTS - 1) * Float.BYTES; // ends, L R C, currents, voltages
        try {
            return Math.addExact(Math.multiplyExact(nodes(), perNode), Math.multiplyExact(wires(), perWire));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return floating-point operations of the whole run, Legion's model: per loop wires·96·steps + 4·wires + 4·nodes} */
    public double flops() {
        double perLoop = wires() * 96.0 * steps + 4.0 * wires() + 4.0 * nodes();
        return perLoop * loops;
    }
}
