package org.legionhrt.apps.circuit;

/**
 * The plain sequential circuit simulation: the same three phases as the task version
 * (calc_new_currents, distribute_charge, update_voltages), one wire and one node at a time
 * in index order. Validation compares a parallel run against this.
 */
public final class CircuitReference {
    private CircuitReference() {}

    /** Runs {@code c.loops()} loops on {@code s} in place. */
    public static void run(CircuitConfig c, CircuitState s) {
        for (int loop = 0; loop < c.loops(); loop++) {
            for (int w = 0; w < s.wires(); w++) {
                calcNewCurrents(s, w, c.steps());
            }
            for (int w = 0; w < s.wires(); w++) {
                distributeCharge(s, w);
            }
            for (int n = 0; n < s.nodes(); n++) {
                updateVoltage(s, n);
            }
        }
    }

    /**
     * Relaxes the currents and inner voltages of wire {@code w} for {@code steps} steps, its
     * end voltages pinned to its nodes' voltages (Legion's model: I = (dV - L·dI/dt) / R,
     * V = V_old + dt·(I_in - I_out) / C).
     */
    static void calcNewCurrents(CircuitState s, int w, int steps) {
        final int segs = CircuitConfig.WIRE_SEGMENTS;
        float[] v = new float[segs + 1];
        float[] i = new float[segs];
        float[] oldI = new float[segs];
        float[] oldV = new float[segs - 1];
        for (int k = 0; k < segs; k++) {
            i[k] = oldI[k] = s.current[k][w];
        }
        for (int k = 0; k < segs - 1; k++) {
            v[k + 1] = oldV[k] = s.voltage[k][w];
        }
        v[0] = s.nodeVoltage[(int) s.inNode[w]];
        v[segs] = s.nodeVoltage[(int) s.outNode[w]];
        float ind = s.inductance[w];
        float recipRes = 1f / s.resistance[w];
        float recipCap = 1f / s.wireCap[w];
        float dt = CircuitGenerator.DT;
        float recipDt = 1f / dt;
        for (int step = 0; step < steps; step++) {
            for (int k = 0; k < segs; k++) {
                float dv = v[k + 1] - v[k];
                float di = i[k] - oldI[k];
                i[k] = (dv - ind * di * recipDt) * recipRes;
            }
            for (int k = 0; k < segs - 1; k++) {
                float dq = dt * (i[k] - i[k + 1]);
                v[k + 1] = oldV[k] + dq * recipCap;
            }
        }
        for (int k = 0; k < segs; k++) {
            s.current[k][w] = i[k];
        }
        for (int k = 0; k < segs - 1; k++) {
            s.voltage[k][w] = v[k + 1];
        }
    }

    /** Moves the charge of wire {@code w}'s end currents onto its two nodes. */
    static void distributeCharge(CircuitState s, int w) {
        float dt = CircuitGenerator.DT;
        s.charge[(int) s.inNode[w]] += -dt * s.current[0][w];
        s.charge[(int) s.outNode[w]] += dt * s.current[CircuitConfig.WIRE_SEGMENTS - 1][w];
    }

    /** Applies node {@code n}'s charge to its voltage, leaks, and clears the charge. */
    static void updateVoltage(CircuitState s, int n) {
        float volt = s.nodeVoltage[n] + s.charge[n] / s.nodeCap[n];
        s.nodeVoltage[n] = volt * (1f - s.leakage[n]);
        s.charge[n] = 0f;
    }
}
