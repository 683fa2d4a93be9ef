package org.legionhrt.apps.stencil;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.legionhrt.apps.AppOptions;
import org.legionhrt.apps.AppResult;
import org.legionhrt.apps.Backend;
import org.legionhrt.apps.InstanceMemory;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt run stencil}: the PRK 2-D star stencil with the flags of Legion's
 * {@code examples/realm_stencil}. Defaults differ in size on purpose: realm_stencil's 12×12
 * grid measures only overheads, so ours is 4096×4096 (2×2 tiles). Validation: the PRK closed
 * form (mean |output| over the interior = init + steps·(CX + CY), within 1e-8 relative, and
 * so every interior output point; the boundary keeps init) and the exact value of every input point.
 */
@Command(name = "stencil", mixinStandardHelpOptions = true,
        description = "The PRK star stencil (flags as Legion's examples/realm_stencil).")
public final class StencilCommand implements Callable<Integer> {

    /** Relative tolerance of the PRK check. */
    public static final double EPSILON = 1e-8;

    /** The largest radius the native kernels take (MAX_RADIUS in src/main/c/stencil.c). */
    public static final int MAX_NATIVE_RADIUS = 64;

    @Option(names = "-nx", defaultValue = "4096", description = "Grid points in x (default: ${DEFAULT-VALUE}).")
    long nx;
    @Option(names = "-ny", defaultValue = "4096", description = "Grid points in y (default: ${DEFAULT-VALUE}).")
    long ny;
    @Option(names = "-ntx", defaultValue = "2", description = "Tiles in x (default: ${DEFAULT-VALUE}).")
    int ntx;
    @Option(names = "-nty", defaultValue = "2", description = "Tiles in y (default: ${DEFAULT-VALUE}).")
    int nty;
    @Option(names = "-r", defaultValue = "2", description = "Stencil radius (default: ${DEFAULT-VALUE}; at most " + MAX_NATIVE_RADIUS + " on backends linux and hrt).")
    int radius;
    @Option(names = "-tsteps", defaultValue = "20", description = "Steps (default: ${DEFAULT-VALUE}).")
    int tsteps;
    @Option(names = "-tprune", defaultValue = "5", description = "Untimed steps at each end (default: ${DEFAULT-VALUE}).")
    int tprune;
    @Option(names = "-init", defaultValue = "1000", description = "Initial output value (default: ${DEFAULT-VALUE}).")
    double init;

    @Mixin
    AppOptions app = new AppOptions();

    @Override
    public Integer call() {
        // Every flag is checked (exit 2, one line) before the settings line and anything runs.
        StencilConfig cfg = check();
        int cpus = app.cpus();
        RuntimeConfig rc = runtimeConfig(cpus, cfg);
        System.out.printf(Locale.ROOT, "Stencil configuration: nx %d ny %d ntx %d nty %d radius %d tsteps %d tprune %d "
                + "init %s backend %s cpus %d%n", nx, ny, ntx, nty, radius, tsteps, tprune, init, app.backend().flag(), cpus);
        StencilSimulation.Outcome out;
        try (Runtime rt = Runtime.start(rc)) {
            app.startTrace(rt);
            out = new StencilSimulation(rt, cfg, app.backend() == Backend.JAVA
                    ? StencilSimulation.Kernels.JAVA : StencilSimulation.Kernels.NATIVE).run();
            app.finishTrace(rt);
        }
        double expected = cfg.expectedMean();
        double relErr = cfg.error(out.meanAbsOut());
        boolean ok = out.validates(cfg);
        String detail = String.format(Locale.ROOT, "mean |out| %.12g vs closed form %.12g (error %.2e, limit %.0e); "
                + "%d input points wrong; %d output points wrong", out.meanAbsOut(), expected, relErr, EPSILON,
                out.inputErrors(), out.outputErrors());
        boolean validated = app.check() && ok;
        int timed = cfg.timedSteps();
        double gflops = cfg.flopsPerStep() * timed / out.seconds() / 1e9;
        System.out.printf(Locale.ROOT, "Elapsed time = %.6f s%n", out.seconds());
        System.out.printf(Locale.ROOT, "Time per iteration = %.6f s%n", out.seconds() / timed);
        System.out.printf(Locale.ROOT, "GFLOPS = %.3f%n", gflops);
        System.out.println(app.check() ? (ok ? "Solution validates: " : "ERROR: solution does not validate: ") + detail
                : "validation skipped (--no-check)");
        if (app.json()) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("nx", nx);
            params.put("ny", ny);
            params.put("ntx", ntx);
            params.put("nty", nty);
            params.put("r", radius);
            params.put("tsteps", tsteps);
            params.put("tprune", tprune);
            params.put("init", init);          // the closed form depends on it: runs with another -init differ
            System.out.println(new AppResult("stencil", app.backend(), cpus, params, out.seconds(), gflops,
                    validated, app.check() ? detail : "not checked (--no-check)").toJson());
        }
        return ok || !app.check() ? 0 : 1;
    }

    /**
     * Checks every flag against the others, the backend and this host without running anything
     * (also what {@code bench macro} asks before its plan starts).
     *
     * @return the configuration the flags make
     * @throws IllegalArgumentException naming the flag at fault and the fix
     */
    public StencilConfig check() {
        StencilConfig cfg = new StencilConfig(nx, ny, ntx, nty, radius, tsteps, tprune, init);
        app.validate();
        if (app.backend() != Backend.JAVA) {      // a missing prerequisite: say so now (exit 2), not after the start
            try {
                StencilSimulation.nativeLibrary();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        if (app.backend() != Backend.JAVA && radius > MAX_NATIVE_RADIUS) {
            // stencil.c keeps the weights in a fixed array; the Java kernel has no such bound.
            throw new IllegalArgumentException("-r " + radius + ": the native kernels (backend " + app.backend().flag()
                    + ") support radius 1.." + MAX_NATIVE_RADIUS + ": use -r " + MAX_NATIVE_RADIUS + " or less, or --backend java");
        }
        InstanceMemory.size(app.backend(), cfg.instanceBytes(), "-nx or -ny");   // this host's and backend hrt's limits
        return cfg;
    }

    /** {@return the runtime's configuration: on hrt, an HVM whose HRT loads this app's kernel library as a module} */
    RuntimeConfig runtimeConfig(int cpus, StencilConfig cfg) {
        RuntimeConfig rc = RuntimeConfig.defaults().withWorkers(cpus)
                .withMemorySize(InstanceMemory.size(app.backend(), cfg.instanceBytes(), "-nx or -ny"));
        if (app.backend() != Backend.HRT) {
            return rc;
        }
        return rc.withBackend("hrt").withHrtCores(app.hrtCores()).withHrtTaskLimit(app.hrtTaskLimit());
    }
}
