package org.legionhrt.apps.circuit;

import org.legionhrt.apps.Tolerance;

/**
 * Validates a parallel run against the sequential reference, value by value: every node
 * voltage, wire current and inner wire voltage.
 *
 * <p>Tolerance: the task version performs the same float operations in the same order as the
 * reference for every wire and node, except the charge sums, which reductions reorder (a
 * node's contributions from shared and ghost wires are folded per piece first). A charge is
 * a few terms of size dt·I ≈ 1e-6, so reordering changes it by a few ulps (≈1e-13 absolute),
 * and the voltage it feeds by less than 1e-12 per loop; the damped dynamics (leakage) keep
 * that from growing. {@code 1e-8 + 1e-4·|ref|} is orders of magnitude above that noise and
 * far below what any wrong kernel produces (errors of order the values themselves). The
 * absolute part must stay small: the inner segments' currents are only about 1e-5.
 */
public final class CircuitValidation {
    /** Absolute part of the tolerance. */
    public static final double ABS = 1e-8;
    /** Relative part of the tolerance. */
    public static final double REL = 1e-4;

    private CircuitValidation() {}

    /** {@return the comparison of {@code got} with the reference run of {@code cfg}} */
    public static Tolerance check(CircuitConfig cfg, CircuitState got) {
        CircuitState ref = CircuitState.generate(cfg);
        CircuitReference.run(cfg, ref);
        Tolerance t = new Tolerance(ABS, REL);
        for (int n = 0; n < ref.nodes(); n++) {
            t.check("node_voltage", n, got.nodeVoltage[n], ref.nodeVoltage[n]);
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
