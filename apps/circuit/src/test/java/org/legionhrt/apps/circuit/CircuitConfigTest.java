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
    }

    @Test
    void badFlagsNameTheFlag() {
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 0, 8, 8, 95, 1)).hasMessageContaining("-p must be positive");
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 4, 8, 8, 101, 1)).hasMessageContaining("-pct");
        assertThatThrownBy(() -> new CircuitConfig(2, 10, 1, 8, 8, 95, 1)).hasMessageContaining("2 pieces");
    }
}
