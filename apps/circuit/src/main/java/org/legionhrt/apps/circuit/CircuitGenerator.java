package org.legionhrt.apps.circuit;

import java.util.SplittableRandom;

/**
 * Generates a circuit the way Legion's circuit does — node capacitance in [1, 2), leakage in
 * [0, 0.1), voltage in [-1, 1); wire resistance in [1, 11), inductance (u + 0.1)·dt·1e-3,
 * capacitance in [0, 0.1); each wire starts at a random node of its piece and ends, with
 * probability {@code -pct}%, at a node of the same piece, else at a node of another piece —
 * but from one random stream <em>per piece</em>, seeded by {@code -s} and the piece number, so
 * parallel initialisation tasks and the sequential reference build the very same circuit.
 */
public final class CircuitGenerator {

    /** Time step of the simulation (seconds), as in Legion. */
    public static final float DT = 1e-6f;

    private CircuitGenerator() {}

    /** Receives one node's initial values; {@code node} is the global node index. */
    @FunctionalInterface
    public interface NodeSink {
        /** Accepts one node. */
        void node(long node, float capacitance, float leakage, float voltage);
    }

    /** Receives one wire's initial values; {@code wire} is the global wire index. */
    @FunctionalInterface
    public interface WireSink {
        /** Accepts one wire (currents and inner voltages start at 0). */
        void wire(long wire, long inNode, long outNode, float inductance, float resistance, float capacitance);
    }

    private static SplittableRandom stream(CircuitConfig c, int piece, long salt) {
        // Mix seed, piece and salt so that streams of different pieces are independent.
        return new SplittableRandom(c.seed() * 0x9E3779B97F4A7C15L + piece * 0xBF58476D1CE4E5B9L + salt);
    }

    /** Generates the nodes of {@code piece} in index order. */
    public static void nodes(CircuitConfig c, int piece, NodeSink sink) {
        SplittableRandom r = stream(c, piece, 1);
        long first = (long) piece * c.nodesPerPiece();
        for (int i = 0; i < c.nodesPerPiece(); i++) {
            float cap = (float) r.nextDouble() + 1f;
            float leak = 0.1f * (float) r.nextDouble();
            float volt = 2f * (float) r.nextDouble() - 1f;
            sink.node(first + i, cap, leak, volt);
        }
    }

    /** Generates the wires of {@code piece} in index order. */
    public static void wires(CircuitConfig c, int piece, WireSink sink) {
        SplittableRandom r = stream(c, piece, 2);
        long firstWire = (long) piece * c.wiresPerPiece();
        long firstNode = (long) piece * c.nodesPerPiece();
        for (int i = 0; i < c.wiresPerPiece(); i++) {
            float res = (float) (r.nextDouble() * 10.0 + 1.0);
            float ind = (float) ((r.nextDouble() + 0.1) * DT * 1e-3);
            float cap = (float) (r.nextDouble() * 0.1);
            long in = firstNode + r.nextInt(c.nodesPerPiece());
            long out;
            if (c.pieces() == 1 || 100 * r.nextDouble() < c.pctPrivate()) {
                out = firstNode + r.nextInt(c.nodesPerPiece());
            } else {
                int other = r.nextInt(c.pieces() - 1);
                if (other >= piece) {
                    other++;
                }
                out = (long) other * c.nodesPerPiece() + r.nextInt(c.nodesPerPiece());
            }
            sink.wire(firstWire + i, in, out, ind, res, cap);
        }
    }
}
