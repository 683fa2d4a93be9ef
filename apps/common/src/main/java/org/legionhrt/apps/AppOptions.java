package org.legionhrt.apps;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options every app shares, as a picocli mixin: backend, workers (also Legion's
 * {@code -ll:cpu}), validation and JSON output.
 */
public final class AppOptions {

    @Option(names = "--backend", converter = BackendConverter.class,
            description = "linux (native kernels), java (Java kernels) or hrt (native kernels in the HRT under the "
                    + "HVM; the default where /dev/kvm is usable, else linux).")
    Backend backend;

    @Option(names = {"--cpus", "-ll:cpu"}, defaultValue = "0",
            description = "Worker CPUs (0 = one per core).")
    int cpus;

    @Option(names = "--hrt-cores", defaultValue = "0",
            description = "Backend hrt: vCPUs of the HRT (0 = --cpus + 1: one serves calls; "
                    + "up to --cpus: the call server shares CPU 0 with a worker).")
    int hrtCores;

    @Option(names = "--hrt-task-limit", defaultValue = "300",
            description = "Backend hrt: seconds a native task may keep its HRT CPU before it counts as hung and the "
                    + "run stops with its name and the vCPUs' state (0 = no limit; default ${DEFAULT-VALUE}).")
    long hrtTaskLimitSeconds;

    @Option(names = "--no-check", description = "Skip the validation against the sequential reference.")
    boolean noCheck;

    @Option(names = "--json", description = "Also print one JSON summary line.")
    boolean json;

    /**
     * {@return the chosen backend}: without {@code --backend}, hrt where KVM is usable, else linux,
     * said once on stderr (the apps' only output outside stdout's results).
     */
    public Backend backend() {
        if (backend == null) {
            backend = Backend.HRT.unavailable().isEmpty() ? Backend.HRT : Backend.LINUX;
            System.err.println(backend == Backend.HRT
                    ? "backend hrt (the runtime inside the HVM; --backend linux runs it as a Linux library)"
                    : "backend linux (" + Backend.HRT.unavailable().orElse("") + ")");
        }
        return backend;
    }

    /** {@return worker CPUs, resolved: the core count when 0} @throws IllegalArgumentException if negative */
    public int cpus() {
        if (cpus < 0) {
            throw new IllegalArgumentException("--cpus must be positive (or 0 for one per core), got " + cpus);
        }
        return cpus == 0 ? Runtime.getRuntime().availableProcessors() : cpus;
    }

    /** {@return the HRT's vCPUs for backend hrt (0 = default)} @throws IllegalArgumentException if negative */
    public int hrtCores() {
        if (hrtCores < 0) {
            throw new IllegalArgumentException("--hrt-cores must be at least 1, or 0 for --cpus + 1; got " + hrtCores);
        }
        return hrtCores;
    }

    /** {@return how long a native task may keep its HRT CPU (ZERO: no limit)} @throws IllegalArgumentException if negative */
    public Duration hrtTaskLimit() {
        if (hrtTaskLimitSeconds < 0) {
            throw new IllegalArgumentException("--hrt-task-limit must be 0 (no limit) or more seconds; got " + hrtTaskLimitSeconds);
        }
        return Duration.ofSeconds(hrtTaskLimitSeconds);
    }

    /** {@return whether to validate the result} */
    public boolean check() {
        return !noCheck;
    }

    /** {@return whether to print the JSON summary line} */
    public boolean json() {
        return json;
    }

    /** Converts {@code --backend} text, with the choices in the error. */
    static final class BackendConverter implements picocli.CommandLine.ITypeConverter<Backend> {
        @Override
        public Backend convert(String value) {
            return Backend.parse(value);
        }
    }
}
