package org.legionhrt.apps.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CircuitConfigTest {

    @Test
    void legionFlopModelForTheDefaults() {
        CircuitConfig c = CircuitConfig.DEFAULTS;
        assertThat(c.wires()).isEqualTo(4096);
        assertThat(c.nodes()).isEqualTo(4096);
        assertThat(c.flops()).isEqualTo(2 * (4096.0 * 96 * 10000 + 4 * 4096 + 4 * 4096));
        assertThat(c.arrayBytes()).isEqualTo(4096L * 16 + 4096L * 104);   // CircuitState's arrays
    }

    @Test
    void badFlagsNameTheFlag() {
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 0, 8, 8, 95, 1)).hasMessageContaining("-p must be positive");
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 4, 8, 8, 101, 1)).hasMessageContaining("-pct");
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 1, 8, 8, 95, 1)).hasMessageContaining("2 pieces");
    }

    @Test
    void tooManyNodesOrWiresNameTheFlagsAndTheLimit() {
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 4, 2_000_000_000, 1024, 95, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-p 4 x -npp 2000000000 = 8000000000 nodes, more than the 2147483647 a circuit may have "
                        + "(they are indexed by int): lower -p or -npp");
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 2, 1, Integer.MAX_VALUE, 95, 1))
                .hasMessageContaining("wires").hasMessageEndingWith("lower -p or -wpp");
        CircuitConfig most = new CircuitConfig(1, 1, 1, Integer.MAX_VALUE, 1, 100, 1);
        assertThat(most.nodes()).isEqualTo(Integer.MAX_VALUE);
        assertThat(most.instanceBytes()).isPositive().isLessThan(Long.MAX_VALUE);
    }

    /**
     * Pieces are colors of the runtime's partitions, at most 2^26; the 2048 the runtime's
     * pairwise interference check allowed before its sweep no longer bound them.
     */
    @Test
    void morePiecesThanAPartitionMayHaveAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new CircuitConfig(2, 10, CircuitConfig.MAX_PIECES + 1, 1, 1, 95, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-p 67108865 is more than the 67108864 (2^26) pieces a partition of the runtime may have: "
                        + "lower -p, with more nodes and wires per piece");
        assertThat(new CircuitConfig(2, 10, 2049, 1, 1, 95, 1).pieces()).isEqualTo(2049);
    }
}
