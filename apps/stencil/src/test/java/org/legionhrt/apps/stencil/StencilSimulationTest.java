package org.legionhrt.apps.stencil;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Assumptions;
import org.legionhrt.apps.Backend;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;

class StencilSimulationTest {

    @ParameterizedTest(name = "{0} kernels, {1}x{2} grid, {3}x{4} tiles, radius {5}")
    @CsvSource({"NATIVE, 64, 48, 2, 2, 2", "JAVA, 64, 48, 2, 2, 2", "NATIVE, 100, 37, 3, 1, 3", "JAVA, 40, 40, 1, 4, 1"})
    void smallGridsMatchTheClosedForm(StencilSimulation.Kernels k, long nx, long ny, int ntx, int nty, int r) {
        StencilConfig cfg = new StencilConfig(nx, ny, ntx, nty, r, 9, 2, 1000);
        StencilSimulation.Outcome out;
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            out = new StencilSimulation(rt, cfg, k).run();
        }
        assertThat(out.inputErrors()).isZero();
        assertThat(Math.abs(out.meanAbsOut() - cfg.expectedMean()) / cfg.expectedMean()).isLessThan(StencilCommand.EPSILON);
        assertThat(out.seconds()).isPositive();
    }

    /** A negative init validates by |closed form| (it used to pass only through a negative "relative error"). */
    @ParameterizedTest(name = "{0} kernels, init -1000")
    @CsvSource({"NATIVE", "JAVA"})
    void aNegativeInitMatchesTheClosedForm(StencilSimulation.Kernels k) {
        StencilConfig cfg = new StencilConfig(32, 32, 2, 2, 2, 5, 1, -1000);
        StencilSimulation.Outcome out;
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            out = new StencilSimulation(rt, cfg, k).run();
        }
        assertThat(out.meanAbsOut()).isEqualTo(990.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(cfg.error(out.meanAbsOut())).isBetween(0.0, StencilCommand.EPSILON);
    }

    @ParameterizedTest(name = "backend hrt, {0} kernels")
    @CsvSource({"NATIVE", "JAVA"})
    void smallGridsMatchTheClosedFormOnBackendHrt(StencilSimulation.Kernels k) {
        Assumptions.assumeTrue(Backend.HRT.unavailable().isEmpty(), () -> Backend.HRT.unavailable().orElse(""));
        StencilConfig cfg = new StencilConfig(64, 48, 2, 2, 2, 9, 2, 1000);
        RuntimeConfig rc = RuntimeConfig.defaults().withBackend("hrt").withWorkers(1).withMemorySize(16L << 20);
        StencilSimulation.Outcome out;
        try (Runtime rt = Runtime.start(rc)) {
            out = new StencilSimulation(rt, cfg, k).run();
        }
        assertThat(out.inputErrors()).isZero();
        assertThat(Math.abs(out.meanAbsOut() - cfg.expectedMean()) / cfg.expectedMean()).isLessThan(StencilCommand.EPSILON);
    }
}
