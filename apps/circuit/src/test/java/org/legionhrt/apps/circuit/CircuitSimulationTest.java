package org.legionhrt.apps.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.legionhrt.apps.Backend;
import org.legionhrt.apps.Tolerance;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;

class CircuitSimulationTest {

    private static CircuitState run(CircuitConfig cfg, CircuitSimulation.Kernels k, int workers,
                                    CircuitSimulation.TaskBodyWithFields calc) {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(workers))) {
            CircuitSimulation sim = new CircuitSimulation(rt, cfg, k);
            if (calc != null) {
                sim.calcBody = calc;
            }
            return sim.run(loop -> { }).state();
        }
    }

    @ParameterizedTest(name = "{0} kernels, seed {1}, {2} workers")
    @CsvSource({"NATIVE, 1, 2", "JAVA, 1, 2", "NATIVE, 77, 1", "JAVA, 2024, 2", "NATIVE, 5, 2"})
    void smallCircuitsValidateOnEveryVariant(CircuitSimulation.Kernels k, long seed, int workers) {
        CircuitConfig cfg = new CircuitConfig(3, 40, 4, 64, 96, 80, seed);
        Tolerance t = CircuitValidation.check(cfg, run(cfg, k, workers, null));
        assertThat(t.passed()).as(t.report()).isTrue();
    }

    @ParameterizedTest(name = "backend hrt, {0} kernels")
    @CsvSource({"NATIVE", "JAVA"})
    void smallCircuitsValidateOnBackendHrt(CircuitSimulation.Kernels k) {
        Assumptions.assumeTrue(Backend.HRT.unavailable().isEmpty(), () -> Backend.HRT.unavailable().orElse(""));
        CircuitConfig cfg = new CircuitConfig(3, 40, 4, 64, 96, 80, 1);
        RuntimeConfig rc = RuntimeConfig.defaults().withBackend("hrt").withWorkers(1).withMemorySize(16L << 20);
        CircuitState s;
        try (Runtime rt = Runtime.start(rc)) {
            s = new CircuitSimulation(rt, cfg, k).run(loop -> { }).state();
        }
        Tolerance t = CircuitValidation.check(cfg, s);
        assertThat(t.passed()).as(t.report()).isTrue();
    }

    @Test
    void nativeAndJavaKernelsAgree() {
        CircuitConfig cfg = new CircuitConfig(2, 30, 3, 50, 70, 60, 9);
        CircuitState a = run(cfg, CircuitSimulation.Kernels.NATIVE, 2, null);
        CircuitState b = run(cfg, CircuitSimulation.Kernels.JAVA, 2, null);
        // Same operations in the same order per wire: currents agree exactly.
        assertThat(a.current[0]).isEqualTo(b.current[0]);
        Tolerance t = new Tolerance(CircuitValidation.ABS, CircuitValidation.REL);
        for (int n = 0; n < a.nodes(); n++) {
            t.check("node_voltage", n, a.nodeVoltage[n], b.nodeVoltage[n]);
        }
        assertThat(t.passed()).as(t.report()).isTrue();
    }

    @Test
    void validationCatchesAWrongKernel() {
        CircuitConfig cfg = new CircuitConfig(2, 40, 4, 64, 96, 80, 3);
        // Currents 1% too large: a plausible bug that NaN checks (Legion's own) would never see.
        CircuitState bad = run(cfg, CircuitSimulation.Kernels.JAVA, 2, (ctx, f) -> {
            CircuitTasks.calcNewCurrents(ctx, f);
            var cur = ctx.region(0).floatField(f.current[0]);
            CircuitTasks.forEachPoint(ctx.region(0), w -> cur.set(w, cur.get(w) * 1.01f));
        });
        Tolerance t = CircuitValidation.check(cfg, bad);
        assertThat(t.passed()).isFalse();
        assertThat(t.report()).contains("outside");
    }
}
