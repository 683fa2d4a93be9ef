package org.legionhrt.apps.circuit;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.legionhrt.apps.AppOptions;
import org.legionhrt.apps.AppResult;
import org.legionhrt.apps.Backend;
import org.legionhrt.apps.InstanceMemory;
import org.legionhrt.apps.Tolerance;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt run circuit}: Legion's circuit benchmark with Legion's flags and output
 * ({@code SUCCESS!}, {@code ELAPSED TIME = x s}, {@code GFLOPS = y}), validated against the
 * sequential reference unless {@code --no-check}. Exit 0 validated (or unchecked), 1 not.
 */
@Command(name = "circuit", mixinStandardHelpOptions = true,
        description = "Legion's circuit simulation (flags as Legion's examples/circuit).")
public final class CircuitCommand implements Callable<Integer> {

    @Option(names = "-l", defaultValue = "2", description = "Loops (default: ${DEFAULT-VALUE}).")
    int loops;
    @Option(names = "-i", defaultValue = "10000", description = "Inner steps of calc_new_currents (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "-p", defaultValue = "4", description = "Pieces (default: ${DEFAULT-VALUE}).")
    int pieces;
    @Option(names = "-npp", defaultValue = "1024", description = "Nodes per piece (default: ${DEFAULT-VALUE}).")
    int npp;
    @Option(names = "-wpp", defaultValue = "1024", description = "Wires per piece (default: ${DEFAULT-VALUE}).")
    int wpp;
    @Option(names = "-pct", defaultValue = "95", description = "Percent of wires inside their piece (default: ${DEFAULT-VALUE}).")
    int pct;
    @Option(names = "-s", defaultValue = "12345", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    AppOptions app = new AppOptions();

    /** The flags that make a circuit smaller, for messages. */
    private static final String LOWER = "-p, -npp or -wpp";

    /**
     * Checks every flag against the others, the backend and this host without running anything
     * (also what {@code bench macro} asks before its plan starts).
     *
     * @return the configuration the flags make
     * @throws IllegalArgumentException naming the flag at fault and the fix
     */
    public CircuitConfig check() {
        CircuitConfig cfg = new CircuitConfig(loops, steps, pieces, npp, wpp, pct, seed);
        app.validate();
        if (app.backend() != Backend.JAVA) {      // a missing prerequisite: say so now (exit 2), not after the start
            try {
                CircuitSimulation.nativeLibrary();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        InstanceMemory.size(app.backend(), cfg.instanceBytes(), LOWER);   // the host's limit first, then the heap's
        checkHeap(cfg, java.lang.Runtime.getRuntime().maxMemory());
        return cfg;
    }

    /**
     * Refuses a validated run whose two plain-array copies of the circuit (the result read back
     * and the sequential reference) do not fit this JVM's heap: found only after the whole run
     * otherwise, as an OutOfMemoryError. 10% stays for everything else.
     */
    private void checkHeap(CircuitConfig cfg, long heap) {
        if (!app.check()) {
            return;                                     // --no-check reads nothing back
        }
        long need = cfg.arrayBytes() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * cfg.arrayBytes();
        if (need > heap / 10 * 9) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "validation keeps the result and the sequential "
                    + "reference as plain arrays, %s of Java heap, more than this JVM's %s allow: lower %s, "
                    + "give --no-check, or raise the heap (HRT_JAVA_OPTS=-Xmx...)", size(need), size(heap), LOWER));
        }
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", (bytes + (1L << 20) - 1) >> 20);
    }

    @Override
    public Integer call() {
        // Every flag is checked (exit 2, one line) before the settings line and anything runs.
        CircuitConfig cfg = check();
        int cpus = app.cpus();
        RuntimeConfig rc = runtimeConfig(cpus, cfg);
        CircuitSimulation.Kernels kernels = app.backend() == Backend.JAVA
                ? CircuitSimulation.Kernels.JAVA : CircuitSimulation.Kernels.NATIVE;
        System.out.printf(Locale.ROOT, "circuit settings: loops=%d pieces=%d nodes/piece=%d wires/piece=%d "
                + "pct_in_piece=%d seed=%d steps=%d backend=%s cpus=%d%n", loops, pieces, npp, wpp, pct, seed, steps,
                app.backend().flag(), cpus);
        CircuitSimulation.Outcome out;
        try (Runtime rt = Runtime.start(rc)) {
            app.startTrace(rt);
            System.out.println("Starting main simulation loop");
            long t0 = System.nanoTime();
            out = new CircuitSimulation(rt, cfg, kernels).run(loop -> {
                if (System.nanoTime() - t0 > 3_000_000_000L) {
                    System.err.printf("circuit: loop %d of %d done%n", loop, loops);
                }
            }, app.check());
            app.finishTrace(rt);
        }
        boolean validated = false;
        String detail = "not checked (--no-check)";
        if (app.check()) {
            Tolerance t = CircuitValidation.check(cfg, out.state());
            validated = t.passed();
            detail = t.report();
        }
        double gflops = cfg.flops() / out.seconds() / 1e9;
        System.out.println(validated || !app.check() ? "SUCCESS!" : "FAILURE: results differ from the sequential reference");
        System.out.printf(Locale.ROOT, "ELAPSED TIME = %7.3f s%n", out.seconds());
        System.out.printf(Locale.ROOT, "GFLOPS = %7.3f GFLOPS%n", gflops);
        System.out.println("validation: " + detail);
        if (app.json()) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("l", loops);
            params.put("i", steps);
            params.put("p", pieces);
            params.put("npp", npp);
            params.put("wpp", wpp);
            params.put("pct", pct);
            params.put("s", seed);
            System.out.println(new AppResult("circuit", app.backend(), cpus, params, out.seconds(), gflops,
                    validated, detail).toJson());
        }
        return validated || !app.check() ? 0 : 1;
    }

    /** {@return the runtime's configuration: on hrt, an HVM whose HRT loads this app's kernel library as a module} */
    RuntimeConfig runtimeConfig(int cpus, CircuitConfig cfg) {
        RuntimeConfig rc = RuntimeConfig.defaults().withWorkers(cpus)
                .withMemorySize(InstanceMemory.size(app.backend(), cfg.instanceBytes(), LOWER));
        if (app.backend() != Backend.HRT) {
            return rc;
        }
        return rc.withBackend("hrt").withHrtCores(app.hrtCores()).withHrtTaskLimit(app.hrtTaskLimit());
    }
}
