package org.legionhrt.apps.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CircuitReferenceTest {

    private static final CircuitConfig SMALL = new CircuitConfig(2, 50, 4, 64, 128, 80, 7);

    @Test
    void generatorFollowsLegionsDistributions() {
        CircuitState s = CircuitState.generate(SMALL);
        int crossPiece = 0;
        for (int w = 0; w < s.wires(); w++) {
            int piece = w / SMALL.wiresPerPiece();
            assertThat(s.inNode[w] / SMALL.nodesPerPiece()).as("in-node of wire %d", w).isEqualTo(piece);
            crossPiece += s.outNode[w] / SMALL.nodesPerPiece() != piece ? 1 : 0;
            assertThat(s.resistance[w]).isBetween(1f, 11f);
            assertThat(s.wireCap[w]).isBetween(0f, 0.1f);
        }
        double pctShared = 100.0 * crossPiece / s.wires();
        assertThat(pctShared).isBetween(10.0, 30.0); // 20% expected for -pct 80
        for (int n = 0; n < s.nodes(); n++) {
            assertThat(s.nodeCap[n]).isBetween(1f, 2f);
            assertThat(s.leakage[n]).isBetween(0f, 0.1f);
            assertThat(s.nodeVoltage[n]).isBetween(-1f, 1f);
        }
    }

    @Test
    void sameSeedSameCircuitOtherSeedOther() {
        CircuitState a = CircuitState.generate(SMALL);
        CircuitState b = CircuitState.generate(SMALL);
        CircuitState c = CircuitState.generate(new CircuitConfig(2, 50, 4, 64, 128, 80, 8));
        assertThat(a.outNode).isEqualTo(b.outNode);
        assertThat(a.nodeVoltage).isEqualTo(b.nodeVoltage);
        assertThat(a.outNode).isNotEqualTo(c.outNode);
    }

    @Test
    void simulationIsDeterministicFiniteAndMovesCharge() {
        CircuitState a = CircuitState.generate(SMALL);
        float[] before = a.nodeVoltage.clone();
        CircuitReference.run(SMALL, a);
        CircuitState b = CircuitState.generate(SMALL);
        CircuitReference.run(SMALL, b);
        assertThat(a.nodeVoltage).isEqualTo(b.nodeVoltage);
        assertThat(a.current[0]).isEqualTo(b.current[0]);
        int changed = 0;
        for (int n = 0; n < a.nodes(); n++) {
            assertThat(Float.isFinite(a.nodeVoltage[n])).isTrue();
            assertThat(Math.abs(a.nodeVoltage[n])).isLessThanOrEqualTo(Math.abs(before[n]) + 1f);
            changed += a.nodeVoltage[n] != before[n] ? 1 : 0;
            assertThat(a.charge[n]).as("charge cleared after update").isZero();
        }
        assertThat(changed).isGreaterThan(a.nodes() / 2);
    }

    @Test
    void distributeChargeConservesWhatTheWiresCarry() {
        CircuitState s = CircuitState.generate(SMALL);
        for (int w = 0; w < s.wires(); w++) {
            CircuitReference.calcNewCurrents(s, w, 5);
        }
        double expected = 0;
        for (int w = 0; w < s.wires(); w++) {
            expected += CircuitGenerator.DT * ((double) s.current[9][w] - s.current[0][w]);
            CircuitReference.distributeCharge(s, w);
        }
        double total = 0;
        for (float q : s.charge) {
            total += q;
        }
        assertThat(total).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9 + Math.abs(expected) * 1e-4));
    }
}
