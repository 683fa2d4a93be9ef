package org.legionhrt.apps.circuit;

/**
 * The whole circuit as plain arrays (structure of arrays, {@code float} as in Legion): what
 * the sequential reference computes on and what a parallel run is compared against.
 */
public final class CircuitState {
    /** Node fields. */
    public final float[] nodeCap, leakage, charge, nodeVoltage;
    /** Wire endpoints (global node indices). */
    public final long[] inNode, outNode;
    /** Wire properties. */
    public final float[] inductance, resistance, wireCap;
    /** {@code current[s][w]}: current of segment s (0..9) of wire w. */
    public final float[][] current;
    /** {@code voltage[s][w]}: inner voltage s (0..8) of wire w. */
    public final float[][] voltage;

    private CircuitState(int nodes, int wires) {
        nodeCap = new float[nodes];
        leakage = new float[nodes];
        charge = new float[nodes];
        nodeVoltage = new float[nodes];
        inNode = new long[wires];
        outNode = new long[wires];
        inductance = new float[wires];
        resistance = new float[wires];
        wireCap = new float[wires];
        current = new float[CircuitConfig.WIRE_SEGMENTS][wires];
        voltage = new float[CircuitConfig.WIRE_SEGMENTS - 1][wires];
    }

    /** {@return the generated initial state of {@code c}} */
    public static CircuitState generate(CircuitConfig c) {
        CircuitState s = new CircuitState(Math.toIntExact(c.nodes()), Math.toIntExact(c.wires()));
        for (int p = 0; p < c.pieces(); p++) {
            CircuitGenerator.nodes(c, p, (n, cap, leak, volt) -> {
                s.nodeCap[(int) n] = cap;
                s.leakage[(int) n] = leak;
                s.nodeVoltage[(int) n] = volt;
            });
            CircuitGenerator.wires(c, p, (w, in, out, ind, res, cap) -> {
                s.inNode[(int) w] = in;
                s.outNode[(int) w] = out;
                s.inductance[(int) w] = ind;
                s.resistance[(int) w] = res;
                s.wireCap[(int) w] = cap;
            });
        }
        return s;
    }

    /** {@return the number of wires} */
    public int wires() {
        return inNode.length;
    }

    /** {@return the number of nodes} */
    public int nodes() {
        return nodeCap.length;
    }
}
