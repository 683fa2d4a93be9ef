package org.legionhrt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.legionhrt.hvm.Hvm;
import org.legionhrt.hvm.HrtFunctions;
import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.nautilus.Accel;
import org.legionhrt.nautilus.BenchLine;
import org.legionhrt.nautilus.KernelExit;
import org.legionhrt.nautilus.NautilusException;
import org.legionhrt.nautilus.NautilusImages;
import org.legionhrt.nautilus.QemuOptions;
import org.legionhrt.nautilus.QemuRun;
import org.legionhrt.nautilus.QemuRunner;
import org.legionhrt.nautilus.TestReport;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt nautilus}: the aerokernel under QEMU. {@code test} boots the ring0 image and
 * streams its console (the self-tests' lines and their summary) and exits with their
 * verdict; {@code bench} runs the in-kernel microbenchmarks (JSON lines) where the image
 * can run — in our HVM (deprivileged profile, native speed) when KVM is usable, else under
 * QEMU — and, with {@code --compare-linux}, their Linux twins and a table of medians.
 */
@Command(name = "nautilus", mixinStandardHelpOptions = true,
        description = "The aerokernel: self-tests and microbenchmarks under QEMU.",
        subcommands = {NautilusCommand.Test.class, NautilusCommand.Bench.class})
final class NautilusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command: test or bench");
    }

    /** The QEMU machine both sub-commands boot. */
    static final class Machine {
        @Option(names = "--accel", description = "tcg or kvm (default ${DEFAULT-VALUE}).", defaultValue = "tcg")
        String accel;

        @Option(names = "--mem", description = "guest RAM under QEMU, whole MiB, at least 18M (default ${DEFAULT-VALUE};"
                + " the HVM run of bench uses the HVM's 256M).", defaultValue = "512M", converter = SizeConverter.class)
        long mem;

        @Option(names = "--timeout", description = "seconds before QEMU is killed (default ${DEFAULT-VALUE}).",
                defaultValue = "600")
        int timeout;

        /** Checks --cores and --timeout before anything boots (in QEMU or in the HVM). */
        void validate(CommandLine cl, int cores) {
            if (cores < 1 || cores > QemuOptions.MAX_CORES) {
                throw new CommandLine.ParameterException(cl,
                        "--cores " + cores + ": the kernel supports 1 to " + QemuOptions.MAX_CORES + " CPUs");
            }
            if (timeout < 1) {
                throw new CommandLine.ParameterException(cl, "--timeout must be at least 1 second");
            }
            checkMem(cl, mem, hostMemory());
        }

        /**
         * Checks --mem: QEMU rounds a size that is not whole MiB, takes 0 as "its default" and
         * fails on more than it can map with exit status 1, which is also the kernel's "passed"
         * (isa-debug-exit code 0): such sizes must never reach it.
         */
        static void checkMem(CommandLine cl, long mem, long hostBytes) {
            if (mem < HvmCommand.Machine.MIN_MEM || mem % (1L << 20) != 0) {
                throw new CommandLine.ParameterException(cl, "--mem " + SizeConverter.show(mem) + ": must be whole MiB and at least "
                        + (HvmCommand.Machine.MIN_MEM >> 20) + " MiB (the kernel wants 16 MiB free after its image): use e.g. --mem 512M");
            }
            if (hostBytes > 0 && mem > hostBytes) {
                throw new CommandLine.ParameterException(cl, "--mem " + SizeConverter.show(mem) + ": more than this host's "
                        + (hostBytes >> 20) + " MiB of RAM: use e.g. --mem 512M");
            }
        }

        /** {@return the host's physical memory in bytes, or 0 where the JVM cannot tell} */
        static long hostMemory() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
        }

        QemuOptions options(CommandLine cl, int cores, String cmdline) {
            validate(cl, cores);
            try {
                Accel a = Accel.parse(accel);
                QemuOptions o = QemuOptions.of(images().ring0()).withCores(cores).withAccel(a)
                        .withMemory((mem >> 20) + "M").withCmdline(cmdline)
                        .withTimeout(Duration.ofSeconds(timeout));
                if (a == Accel.KVM && !java.nio.file.Files.isReadable(Path.of("/dev/kvm"))) {
                    throw new PrerequisiteException("--accel kvm needs a readable /dev/kvm; use --accel tcg");
                }
                if (!QemuRunner.available()) {
                    throw new PrerequisiteException("qemu-system-x86_64 not found; fix: ./hrt doctor --install "
                            + "(or sudo apt-get install qemu-system-x86)");
                }
                return o;
            } catch (NautilusException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
        }

        String env() {
            return "qemu-" + accel.toLowerCase(Locale.ROOT);
        }
    }

    static NautilusImages images() {
        return NautilusImages.of(Roots.project());
    }

    /**
     * {@return why the kernel refused its input (exit code 3): its last "nautilus: " line, not the
     * boot banner's profile line, or {@code fallback}}
     */
    static String refusalReason(java.util.List<String> console, String fallback) {
        return console.reversed().stream().filter(l -> l.startsWith("nautilus: ") && !l.contains(" profile "))
                .findFirst().map(l -> l.substring("nautilus: ".length())).orElse(fallback);
    }

    /** Reports a run that did not end through the exit device, with the last console lines. */
    static int reportAbnormal(PrintWriter err, String what, QemuRun run, int timeoutSec) {
        switch (run.exit()) {
            case TIMEOUT -> err.printf("hrt nautilus %s: QEMU killed after %d s (--timeout); last console lines:%n%s%n",
                    what, timeoutSec, run.tail(15));
            case PANIC -> err.printf("hrt nautilus %s: the kernel panicked (see the console above)%n", what);
            case BAD_INPUT -> err.printf("hrt nautilus %s: the kernel refused its input: %s%n", what,
                    refusalReason(run.console(), run.tail(1)));
            case QEMU_ERROR -> err.printf("hrt nautilus %s: QEMU exited with status %d without the kernel's verdict; "
                    + "last lines:%n%s%n", what, run.status(), run.tail(15));
            // QEMU's own errors also exit 1, which reads as the kernel's "passed": here the
            // caller found no verdict (no summary, no benchmark line) on the console.
            case PASSED -> err.printf("hrt nautilus %s: QEMU exited with status %d (the kernel's \"passed\") but the "
                    + "console holds no complete result; QEMU's own errors exit 1 too; last lines:%n%s%n", what, run.status(), run.tail(15));
            default -> { }
        }
        err.flush();
        return run.exit() == KernelExit.BAD_INPUT ? Main.EXIT_USAGE : Main.EXIT_FAILED;
    }

    /** {@code ./hrt nautilus test}: boot and run the self-tests. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Boot the ring0 kernel under QEMU and run its self-tests (exit 0 = all passed).")
    static final class Test implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Machine machine = new Machine();

        @Option(names = "--cores", description = "virtual CPUs (default ${DEFAULT-VALUE}).", defaultValue = "4")
        int cores;

        @Option(names = "--tests", split = ",", description = "only these tests (comma-separated); 'list' lists them.")
        List<String> tests;          // null: every test of the tier

        @Option(names = "--tier", description = "quick, slow or all (default ${DEFAULT-VALUE}).", defaultValue = "all")
        String tier;

        @Option(names = "--scale", description = "iteration counts in percent (default ${DEFAULT-VALUE}).",
                defaultValue = "100")
        int scale;

        @Override
        public Integer call() {
            if (tests != null && (tests.isEmpty() || tests.stream().anyMatch(String::isBlank))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tests '" + String.join(",", tests)
                        + "': an empty test name: give names separated by commas, or 'list' to list them");
            }
            if (!List.of("quick", "slow", "all").contains(tier)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tier " + tier + ": use quick, slow or all");
            }
            String cmd = "tier=" + tier + " scale=" + scale + (tests == null ? "" : " tests=" + String.join(",", tests));
            QemuOptions o = machine.options(spec.commandLine(), cores, cmd);
            PrintWriter out = spec.commandLine().getOut();
            QemuRun run = QemuRunner.run(o, line -> {
                out.println(line);
                out.flush();
            });
            TestReport report = TestReport.parse(run.console());
            boolean listed = tests != null && tests.contains("list")
                    && run.console().stream().anyMatch(l -> l.startsWith("known tests:"));
            if (run.exit() == KernelExit.PASSED && (report.allPassed() || listed)) {
                return 0;
            }
            if (run.exit() == KernelExit.FAILED) {
                PrintWriter err = spec.commandLine().getErr();
                report.failures().forEach(f -> err.printf("failed: %s: %s%n", f.name(), f.reason()));
                err.flush();
                return Main.EXIT_FAILED;
            }
            return reportAbnormal(spec.commandLine().getErr(), "test", run, machine.timeout);
        }
    }

    /** {@code ./hrt nautilus bench}: in-kernel microbenchmarks, optionally against Linux. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Run the kernel microbenchmarks in the HVM (else QEMU): JSON lines in cycles; --compare-linux adds the Linux twins and a table.")
    static final class Bench implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Machine machine = new Machine();

        @Option(names = "--cores", description = "virtual CPUs (default ${DEFAULT-VALUE}).", defaultValue = "2")
        int cores;

        @Option(names = "--samples", description = "samples per benchmark, after a tenth as many as warm-up (default ${DEFAULT-VALUE}).",
                defaultValue = "10000")
        int samples;

        @Option(names = "--compare-linux", description = "also run the Linux twins and print a comparison table.")
        boolean compareLinux;

        @Option(names = "--where", description = "auto (HVM if KVM is usable, else QEMU), hvm or qemu (default ${DEFAULT-VALUE}).",
                defaultValue = "auto")
        String where;

        private String env;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (samples < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--samples must be at least 1");
            }
            machine.validate(spec.commandLine(), cores);   // the HVM path would refuse them only mid-warm-up
            if (!List.of("auto", "hvm", "qemu").contains(where)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--where " + where + ": use auto, hvm or qemu");
            }
            PrintWriter out = spec.commandLine().getOut();
            List<BenchLine> kernel = where.equals("qemu") ? null : inHvm();
            if (kernel == null) {
                QemuOptions o = machine.options(spec.commandLine(), cores,
                        "bench samples=" + samples + " env=" + machine.env());
                env = machine.env();
                QemuRun run = QemuRunner.run(o, line -> { });
                kernel = BenchLine.parseAll(run.console());
                kernel.forEach(b -> out.println(b.json()));
                out.flush();
                if (run.exit() != KernelExit.PASSED || kernel.isEmpty()) {
                    return reportAbnormal(spec.commandLine().getErr(), "bench", run, machine.timeout);
                }
            }
            if (!compareLinux) {
                return 0;
            }
            List<BenchLine> linux = runTwins(out);
            printTable(out, kernel, linux);
            return linux.isEmpty() ? Main.EXIT_FAILED : 0;
        }

        /** The benchmarks in the HVM (deprivileged image), or null to fall back to QEMU. */
        private List<BenchLine> inHvm() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            boolean must = where.equals("hvm");
            if (!Kvm.probe().usable()) {
                if (must) {
                    throw new PrerequisiteException("--where hvm needs a usable /dev/kvm: " + Kvm.probe().problem());
                }
                return null;
            }
            Path image;
            try {
                image = images().image("depriv");
            } catch (NautilusException e) {
                if (must) {
                    throw new PrerequisiteException(e.getMessage());
                }
                return null;
            }
            env = "hvm-kvm";
            if (spec.commandLine().getParseResult().hasMatchedOption("--mem")) {
                err.println("hrt nautilus bench: --mem sizes the QEMU guest; the HVM run keeps the HVM's 256M (--where qemu to use it)");
            }
            // The kernel measures at once after boot: warm the JVM first (boots of the same image
            // until the JIT is idle), so that its compiler threads do not take the host cores from
            // the vCPUs while they measure.
            JitWarmup.Result warm = JitWarmup.run(() -> warmBoot(image), WARM_MIN_BOOTS, WARM_QUIET_BOOTS, WARM_MAX_BOOTS);
            err.printf("hrt nautilus bench: JVM warmed up by %d boots%s%n", warm.runs(),
                    warm.idle() ? " (the JIT idle for the last " + WARM_QUIET_BOOTS + ")" : "");
            err.flush();
            List<String> console = java.util.Collections.synchronizedList(new ArrayList<>());
            String failure;
            // Huge pages: first-touch faults (about 10 us each under PVM) would otherwise dominate the
            // tails of thread_create and buddy_alloc_free; the slower boot does not count here.
            try (Hvm h = Hvm.builder().cores(cores).cmdline("bench samples=" + samples + " env=" + env)
                    .hugePages(true).awaitReady(false).console(console::add).boot(image)) {
                // Natively the whole set takes about a second: do not wait long before falling back.
                int code = h.awaitExit(Duration.ofSeconds(must ? machine.timeout : Math.min(machine.timeout, 120)));
                List<BenchLine> lines = BenchLine.parseAll(List.copyOf(console));
                if (code == 0 && !lines.isEmpty()) {
                    lines.forEach(b -> out.println(b.json()));
                    out.flush();
                    return lines;
                }
                failure = "kernel exit code " + code + ", " + lines.size() + " benchmark lines";
            } catch (HvmException e) {
                failure = e.getMessage();
            }
            if (must) {
                throw new PrerequisiteException("HVM run failed: " + failure);
            }
            err.println("hrt nautilus bench: HVM run failed (" + failure + "); falling back to QEMU");
            err.flush();
            return null;
        }

        private static final int WARM_MIN_BOOTS = 20;
        private static final int WARM_QUIET_BOOTS = 10;
        private static final int WARM_MAX_BOOTS = 300;

        /** One boot of the bench's image and configuration that runs the call server and stops it. */
        private void warmBoot(Path image) {
            try (Hvm h = Hvm.builder().cores(cores).cmdline(HrtFunctions.SERVE_CMDLINE).hugePages(true).console(l -> { })
                    .boot(image)) {
                h.call(HrtFunctions.STOP);
                h.awaitExit(Duration.ofSeconds(10));
            }
        }

        private List<BenchLine> runTwins(PrintWriter out) throws IOException, InterruptedException {
            Path twins;
            try {
                twins = images().linuxTwins();
            } catch (NautilusException e) {
                throw new PrerequisiteException(e.getMessage());
            }
            Process p = new ProcessBuilder(twins.toString(), Integer.toString(samples)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(machine.timeout, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                spec.commandLine().getErr().println("hrt nautilus bench: the Linux twins failed: " + text.strip());
                return List.of();
            }
            List<BenchLine> lines = BenchLine.parseAll(text.lines().toList());
            lines.forEach(b -> out.println(b.json()));
            return lines;
        }

        private void printTable(PrintWriter out, List<BenchLine> kernel, List<BenchLine> linux) {
            Map<String, BenchLine> lx = new LinkedHashMap<>();
            linux.forEach(b -> lx.put(b.bench(), b));
            out.println();
            out.printf("median cycles: nautilus in %s, linux native on this host%s%n", env,
                    env.startsWith("qemu") ? " (QEMU emulates the kernel: the ratios only show the harness works)" : "");
            out.printf("%-22s %14s %14s %14s%n", "benchmark", "nautilus", "linux", "linux/nautilus");
            for (BenchLine k : kernel) {
                BenchLine l = lx.get(k.bench());
                double ratio = l == null ? Double.NaN : l.median() / k.median();
                out.printf(Locale.ROOT, "%-22s %14.0f %14s %14s%n", k.bench(), k.median(),
                        l == null ? "-" : String.format(Locale.ROOT, "%.0f", l.median()), ratio(ratio));
            }
            out.flush();
        }

        /**
         * {@return a ratio as "12.3x", with two significant digits below 0.1 ("0.047x", where one
         * decimal printed "0.0x"), or "-" where there is none (no twin, a zero median)}
         */
        static String ratio(double v) {
            if (!Double.isFinite(v)) {
                return "-";
            }
            return v >= 0.1 || v == 0 ? String.format(Locale.ROOT, "%.1fx", v)
                    : new java.math.BigDecimal(v).round(new java.math.MathContext(2)).toPlainString() + "x";
        }
    }
}
