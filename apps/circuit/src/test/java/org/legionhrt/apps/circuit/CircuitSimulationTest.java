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
        return run(cfg, k, workers, calc, null, null);
    }

    private static CircuitState run(CircuitConfig cfg, CircuitSimulation.Kernels k, int workers,
                                    CircuitSimulation.TaskBodyWithFields calc, CircuitSimulation.TaskBodyWithFields dist) {
        return run(cfg, k, workers, calc, dist, null);
    }

    private static CircuitState run(CircuitConfig cfg, CircuitSimulation.Kernels k, int workers,
                                    CircuitSimulation.TaskBodyWithFields calc, CircuitSimulation.TaskBodyWithFields dist,
                                    CircuitSimulation.TaskBodyWithFields upd) {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(workers))) {
            CircuitSimulation sim = new CircuitSimulation(rt, cfg, k);
            if (calc != null) {
                sim.calcBody = calc;
            }
            if (dist != null) {
                sim.distBody = dist;
            }
            if (upd != null) {
                sim.updBody = upd;
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

    /**
     * A distribute_charge that drops the charge of wires reaching into other pieces (ghost
     * nodes): a partition bug of exactly the kind the app exists to exercise. Its voltages are
     * off by ~1e-6 (20-30 float ulps), which the old 1e-4 relative tolerance (~1000 ulps) let
     * through on every circuit tried, the defaults included; a correct run matches the
     * reference to within 3 ulps.
     */
    @Test
    void validationCatchesAChargeDistributionThatLosesGhostCharge() {
        CircuitConfig cfg = new CircuitConfig(3, 40, 4, 64, 96, 80, 1);
        CircuitState bad = run(cfg, CircuitSimulation.Kernels.JAVA, 2, null, (ctx, f) -> {
            var w = ctx.region(0);
            var in = w.longField(f.inPtr);
            var out = w.longField(f.outPtr);
            var inLoc = w.intField(f.inLoc);
            var outLoc = w.intField(f.outLoc);
            var first = w.floatField(f.current[0]);
            var last = w.floatField(f.current[CircuitConfig.WIRE_SEGMENTS - 1]);
            var pvt = ctx.region(1).floatField(f.charge);
            var shared = ctx.region(2).floatField(f.charge);
            float dt = CircuitGenerator.DT;
            CircuitTasks.forEachPoint(w, x -> {
                int[] locs = {inLoc.get(x), outLoc.get(x)};
                long[] ends = {in.get(x), out.get(x)};
                float[] q = {-dt * first.get(x), dt * last.get(x)};
                for (int e = 0; e < 2; e++) {
                    if (locs[e] == CircuitFields.LOC_PRIVATE) {
                        pvt.set(ends[e], pvt.get(ends[e]) + q[e]);
                    } else if (locs[e] == CircuitFields.LOC_SHARED) {
                        shared.reduce(ends[e], q[e]);
                    }                               // LOC_GHOST: lost
                }
            });
        });
        Tolerance t = CircuitValidation.check(cfg, bad);
        assertThat(t.passed()).as(t.report()).isFalse();
    }

    /** The charge path at all: a distribute_charge that does nothing must fail validation too. */
    @Test
    void validationCatchesAChargeDistributionThatDoesNothing() {
        CircuitConfig cfg = new CircuitConfig(2, 40, 4, 64, 96, 80, 3);
        Tolerance t = CircuitValidation.check(cfg, run(cfg, CircuitSimulation.Kernels.JAVA, 2, null, (ctx, f) -> { }));
        assertThat(t.passed()).as(t.report()).isFalse();
    }

    /**
     * More pieces than the runtime's pairwise interference check took (2048) run and validate:
     * distribute_charge's private and shared requirements are checked by a sweep now.
     */
    @Test
    void moreThan2048PiecesRun() {
        CircuitConfig cfg = new CircuitConfig(1, 1, 3000, 1, 1, 95, 2);
        Tolerance t = CircuitValidation.check(cfg, run(cfg, CircuitSimulation.Kernels.NATIVE, 2, null));
        assertThat(t.passed()).as(t.report()).isTrue();
    }

    /**
     * An update_voltages that applies the charge but leaves it in place: with one loop only the
     * charges show it (validation compared voltages and currents, not the charges it reads back).
     */
    @Test
    void validationCatchesAnUpdateThatLeavesTheChargeBehind() {
        CircuitConfig cfg = new CircuitConfig(1, 40, 4, 64, 96, 80, 5);
        CircuitState bad = run(cfg, CircuitSimulation.Kernels.JAVA, 2, null, null, (ctx, f) -> {
            for (int k = 0; k < 2; k++) {
                var volt = ctx.region(k).floatField(f.nodeVoltage);
                var charge = ctx.region(k).floatField(f.charge);
                var cap = ctx.region(k + 2).floatField(f.nodeCap);
                var leak = ctx.region(k + 2).floatField(f.leakage);
                CircuitTasks.forEachPoint(ctx.region(k), n -> {
                    float v = volt.get(n) + charge.get(n) / cap.get(n);
                    volt.set(n, v * (1f - leak.get(n)));        // charge not cleared
                });
            }
        });
        Tolerance t = CircuitValidation.check(cfg, bad);
        assertThat(t.passed()).as(t.report()).isFalse();
    }
}
