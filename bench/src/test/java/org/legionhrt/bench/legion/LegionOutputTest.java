package org.legionhrt.bench.legion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LegionOutputTest {

    @Test
    void circuitLines() {
        String out = """
                circuit settings: loops=2 pieces=4 nodes/piece=1024 wires/piece=1024 pct_in_piece=95 seed=12345
                Initializing circuit simulation...
                Starting main simulation loop
                SUCCESS!
                ELAPSED TIME =   7.468 s
                GFLOPS = 10.532 GFLOPS
                """;
        LegionOutput o = LegionOutput.parse(out);
        assertThat(o.seconds()).hasValue(7.468);
        assertThat(o.gflops()).hasValue(10.532);
        assertThat(o.success()).isTrue();
        assertThat(o.elapsed(20)).contains(7.468);
    }

    @Test
    void stencilLinesWithTimePerIteration() {
        String out = "Stencil configuration:\n      nx 12\nTime per iteration: 2.5 ms\n";
        LegionOutput o = LegionOutput.parse(out);
        assertThat(o.seconds()).isEmpty();
        assertThat(o.secondsPerStep()).hasValue(0.0025);
        assertThat(o.elapsed(10).orElseThrow()).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(o.success()).isTrue();
    }

    @Test
    void failureOrNoTimingIsNotSuccess() {
        assertThat(LegionOutput.parse("bad value: got 3.0 expected 1000.0\nELAPSED TIME = 1 s").success()).isFalse();
        assertThat(LegionOutput.parse("segmentation fault").success()).isFalse();
        assertThat(LegionOutput.parse("").elapsed(5)).isEmpty();
    }
}
