package org.legionhrt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.legionhrt.bench.BenchLine;
import org.legionhrt.legion.RuntimeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./hrt bench …}: the benchmarks. Each prints one JSON line per result in the
 * project's format (see {@code CONVENTIONS.md}) and a human table after them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: runtime, api, macro, micro, all.",
        subcommands = {BenchCommand.Runtime.class, BenchCommand.Api.class, BenchMacro.class, BenchMicro.class,
            BenchAll.class})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing benchmark: runtime, api, macro, micro or all (see ./hrt bench --help)");
    }

    /**
     * {@code ./hrt bench runtime}: task-launch overheads of the C runtime, on Linux (the
     * lhrt_bench binary) and inside the HRT (lhrt-hrt.elf booted with the kernel test lhrt_bench,
     * whose JSON lines say {@code "impl":"lhrt-hrt"}).
     */
    @Command(name = "runtime", mixinStandardHelpOptions = true,
            description = "Task-launch overheads of the C runtime (lhrt_bench), on Linux and in the HRT.")
    static final class Runtime implements Callable<Integer> {
        @Option(names = "--backend", defaultValue = "linux",
                description = "linux, hrt or all (default: ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--workers", description = "Worker threads (default: one per core).")
        Integer workers;

        @Option(names = "--hrt-cores", description = "HRT vCPUs for backend hrt (default: the worker count, at least 1; at most 4 per host CPU, counting at least 2).")
        Integer hrtCores;

        @Option(names = "--hrt-timeout", defaultValue = "900",
                description = "Seconds the HRT run may take (default: ${DEFAULT-VALUE}).")
        int hrtTimeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!List.of("linux", "hrt", "all").contains(backend)) {
                throw new ParameterException(spec.commandLine(),
                        "unknown --backend '" + backend + "': use linux, hrt or all");
            }
            // Counts are checked before either side runs, not after the Linux half has been measured.
            positive("--workers", workers);
            positive("--hrt-cores", hrtCores);
            positive("--hrt-timeout", hrtTimeout);
            checkLimits(java.lang.Runtime.getRuntime().availableProcessors());
            boolean hrt = !backend.equals("linux");
            if (hrt && !org.legionhrt.hvm.kvm.Kvm.probe().usable()) {
                String why = "/dev/kvm is unusable here (" + org.legionhrt.hvm.kvm.Kvm.probe().problem() + ")";
                if (backend.equals("hrt")) {
                    throw new PrerequisiteException("--backend hrt: " + why + "; use --backend linux");
                }
                System.err.println("bench runtime: " + why + "; running linux only");
                hrt = false;
            }
            int rc = 0;
            List<BenchLine> linuxLines = new ArrayList<>();
            List<BenchLine> hrtLines = new ArrayList<>();
            if (!backend.equals("hrt")) {
                rc = linux(linuxLines);
            }
            if (hrt) {
                rc = Math.max(rc, inHrt(hrtLines));
            }
            // The human tables come after every JSON line (lhrt_bench prints its Linux one as it goes).
            if (!linuxLines.isEmpty() && !hrtLines.isEmpty()) {
                RuntimeTable.sideBySide(System.out, linuxLines, hrtLines);
            } else if (!hrtLines.isEmpty()) {
                RuntimeTable.hrt(System.out, hrtLines);
            }
            System.out.flush();
            return rc;
        }

        /**
         * Checks the worker and HRT-vCPU counts with the rules {@code ./hrt run} uses
         * (RuntimeConfig.MAX_WORKERS, RuntimeConfig.maxHrtCores), naming the flag at fault.
         */
        void checkLimits(int hostCpus) {
            if (workers != null && workers > RuntimeConfig.MAX_WORKERS) {
                throw new ParameterException(spec.commandLine(), "--workers " + workers + ": must be 1.."
                        + RuntimeConfig.MAX_WORKERS + " (the runtime's most workers)");
            }
            if (backend.equals("linux")) {
                return;
            }
            int limit = Math.min(RuntimeConfig.maxHrtCores(hostCpus), org.legionhrt.hvm.boot.BootInfo.MAX_CPUS);
            String rule = org.legionhrt.apps.AppOptions.HRT_CORES_RULE + ", and at most "
                    + org.legionhrt.hvm.boot.BootInfo.MAX_CPUS;
            if (hrtCores != null && hrtCores > limit) {
                throw new ParameterException(spec.commandLine(),
                        org.legionhrt.apps.AppOptions.tooManyHrtCores(hrtCores, limit, hostCpus, rule));
            }
            if (hrtCores == null && workers != null && workers > limit) {
                throw new ParameterException(spec.commandLine(), String.format(java.util.Locale.ROOT,
                        "--workers %d makes the HRT %d vCPUs (one per worker), more than the %d allowed on this %d-CPU host "
                                + "(%s): lower --workers, give --hrt-cores 1..%d or use --backend linux",
                        workers, workers, limit, hostCpus, rule, limit));
            }
        }

        private void positive(String flag, Integer n) {
            if (n != null && n < 1) {
                throw new ParameterException(spec.commandLine(), flag + " must be at least 1, got " + n);
            }
        }

        /** Runs lhrt_bench on Linux, passing its output through and keeping its JSON lines in {@code lines}. */
        private int linux(List<BenchLine> lines) throws Exception {
            Path bin = Roots.project().resolve("legion-hrt-port/target/native/lhrt_bench");
            if (!Files.isExecutable(bin)) {
                throw new PrerequisiteException(bin + " is missing: build it with ./hrt (mvn package) first");
            }
            List<String> cmd = new ArrayList<>(List.of(bin.toString()));
            if (workers != null) {
                cmd.addAll(List.of("--workers", workers.toString()));
            }
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String l = withEnv(line, "linux");
                    System.out.println(l);
                    keep(lines, l);
                }
            }
            System.out.flush();
            return p.waitFor() == 0 ? 0 : Main.EXIT_FAILED;
        }

        /**
         * {@return a bench line with {@code "env"} (where the runtime ran, as the kernel's lines
         * say it) added when lhrt_bench left it out; other lines unchanged}
         */
        static String withEnv(String line, String env) {
            String t = line.stripTrailing();
            if (!t.startsWith("{\"bench\"") || !t.endsWith("}") || t.contains("\"env\"")) {
                return line;
            }
            return t.substring(0, t.length() - 1) + ",\"env\":\"" + env + "\"}";
        }

        private static void keep(List<BenchLine> lines, String line) {
            if (line.startsWith("{\"bench\"")) {
                try {
                    lines.add(BenchLine.parse(line));
                } catch (IllegalArgumentException e) {
                    // printed as it came; the table leaves it out, and says so
                    System.err.println("bench runtime: " + e.getMessage() + " (left out of the table)");
                }
            }
        }

        /** Boots the runtime's HRT image with the benchmark as its kernel test; its JSON lines go to stdout. */
        private int inHrt(List<BenchLine> lines) {
            Path image = Roots.project().resolve("legion-hrt-port/target/native/lhrt-hrt.elf");
            if (!Files.isRegularFile(image)) {
                throw new PrerequisiteException(image + " is missing: build it with ./hrt (mvn package) first");
            }
            int w = workers != null ? workers : java.lang.Runtime.getRuntime().availableProcessors();
            int cores = hrtCores != null ? hrtCores : Math.max(1, w);
            String cmdline = "tests=lhrt_bench" + (workers != null ? " lhrt_args=--workers," + workers : "");
            int code;
            try (org.legionhrt.hvm.Hvm h = org.legionhrt.hvm.Hvm.builder().cores(cores).memory(256L << 20)
                    .cmdline(cmdline).awaitReady(false).console(line -> {
                        if (line.startsWith("{")) {
                            String l = withEnv(line, "hvm-kvm");
                            System.out.println(l);
                            System.out.flush();
                            synchronized (lines) {
                                keep(lines, l);
                            }
                        }
                    }).boot(image)) {
                code = h.awaitExit(java.time.Duration.ofSeconds(hrtTimeout));
            } catch (org.legionhrt.hvm.HvmException e) {
                System.err.println("bench runtime: the HRT run failed: " + e.getMessage());
                return Main.EXIT_FAILED;
            }
            return code == 0 ? 0 : Main.EXIT_FAILED;
        }
    }

    /** {@code ./hrt bench api}: JMH benchmarks of the Java API. */
    @Command(name = "api", mixinStandardHelpOptions = true, description = "JMH benchmarks of the Java API.")
    static final class Api implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return runMain("org.legionhrt.bench.api.ApiBench", new String[0]);
        }
    }

    /** Runs a {@code main(String[])} found by name, so the CLI does not depend on every bench class. */
    static int runMain(String className, String[] args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new PrerequisiteException(className + " is not on the class path: build the bench module "
                    + "(./hrt rebuilds what is stale, or mvn -q package -DskipTests)");
        }
        c.getMethod("main", String[].class).invoke(null, (Object) args);
        return 0;
    }
}
