package org.legionhrt.apps.circuit;

import org.legionhrt.apps.Tolerance;

/**
 * Validates a parallel run against the sequential reference, value by value: every node
 * voltage, wire current and inner wire voltage, and every node's charge (cleared, so exactly 0).
 *
 * <p>Tolerance: the task version performs the same float operations in the same order as the
 * reference for every wire and node, except the charge sums, which reductions reorder (a
 * node's contributions from shared and ghost wires are folded per piece first). A charge is
 * a few terms of size dt·I ≈ 1e-7, so reordering changes it by a few of its ulps, which moves
 * the voltage it feeds (≈0.5, float ulp ≈6e-8) only when that flips a rounding: real runs
 * match the reference bit for bit or within 3 ulps (measured up to 200 loops, 16 pieces, all
 * wires shared). The charge path itself is small, too: a distribute_charge that loses the
 * ghost wires' charge, or all of it, moves voltages and end currents by only 15-600 float
 * ulps (~1e-6), so the tolerance must stay below that: the old {@code 1e-8 + 1e-4·|ref|}
 * (~1000 ulps) let both through on every circuit tried, the defaults included.
 * {@code 1e-7 + 1e-6·|ref|}: the relative part is 8-17 float ulps; the absolute part is about
 * one ulp of a unit node voltage over the smallest resistance (1), what one flipped rounding
 * of a node voltage moves an end current by (it also covers values near 0).
 */
public final class CircuitValidation {
    /** Absolute part of the tolerance. */
    public static final double ABS = 1e-7;
    /** Relative part of the tolerance. */
    public static final double REL = 1e-6;

    private CircuitValidation() {}

    /** {@return the comparison of {@code got} with the reference run of {@code cfg}} */
    public static Tolerance check(CircuitConfig cfg, CircuitState got) {
        CircuitState ref = CircuitState.generate(cfg);
        CircuitReference.run(cfg, ref);
        Tolerance t = new Tolerance(ABS, REL);
        for (int n = 0; n < ref.nodes(); n++) {
            t.check("node_voltage", n, got.nodeVoltage[n], ref.nodeVoltage[n]);
            // update_voltages clears every charge (to 0 exactly): a charge left behind in the last loop shows nowhere else
            t.checkExact("charge", n, got.charge[n], ref.charge[n]);
        }
        for (int k = 0; k < CircuitConfig.WIRE_SEGMENTS; k++) {
            for (int w = 0; w < ref.wires(); w++) {
                t.check("current_" + k, w, got.current[k][w], ref.current[k][w]);
            }
        }
        for (int k = 0; k < CircuitConfig.WIRE_SEGMENTS - 1; k++) {
            for (int w = 0; w < ref.wires(); w++) {
                t.check("wire_voltage_" + k, w, got.voltage[k][w], ref.voltage[k][w]);
            }
        }
        return t;
    }
}
