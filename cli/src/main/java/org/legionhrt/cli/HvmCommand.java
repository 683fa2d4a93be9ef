package org.legionhrt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.legionhrt.hvm.HrtFunctions;
import org.legionhrt.hvm.Hvm;
import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.NautilusImage;
import org.legionhrt.hvm.boot.BootInfo;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import org.legionhrt.nautilus.KernelExit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt hvm}: the hybrid virtual machine. {@code boot} starts the aerokernel
 * (nautilus-depriv.elf, or with --profile ring0 nautilus-ring0.elf booted as a multiboot2
 * kernel) in an HVM of this JVM and streams its console (by default it runs every kernel
 * self-test and exits with their verdict); {@code bench} measures HRT boot time and ROS->HRT
 * call latency on the ring and the exit path, as JSON lines plus a table.
 */
@Command(name = "hvm", mixinStandardHelpOptions = true,
        description = "The hybrid virtual machine: boot the aerokernel, benchmarks.",
        subcommands = {HvmCommand.Boot.class, HvmCommand.Bench.class})
final class HvmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command: boot or bench");
    }

    /** Options every HVM sub-command shares. */
    static final class Machine {
        @Option(names = "--cores", description = "HRT vCPUs (default ${DEFAULT-VALUE}).", defaultValue = "2")
        int cores;

        @Option(names = "--mem", description = "private guest memory, a multiple of 2 MiB, at least 18M (default ${DEFAULT-VALUE}).",
                defaultValue = "256M", converter = SizeConverter.class)
        long mem;

        @Option(names = "--merged", description = "merged region shared with the JVM (default ${DEFAULT-VALUE}).",
                defaultValue = "64M", converter = SizeConverter.class)
        long merged;

        @Option(names = "--profile", description = "auto, deprivileged or ring0 (default ${DEFAULT-VALUE}).",
                defaultValue = "auto")
        String profile;

        @Option(names = "--image", description = "kernel image (default nautilus/target/native/nautilus-depriv.elf;"
                + " nautilus-ring0.elf for --profile ring0).")
        Path image;

        Hvm.Profile profile() {
            return switch (profile.toLowerCase(Locale.ROOT)) {
                case "auto" -> Hvm.Profile.AUTO;
                case "deprivileged", "depriv" -> Hvm.Profile.DEPRIVILEGED;
                case "ring0" -> Hvm.Profile.RING0;
                default -> throw new HvmException(HvmException.Kind.BAD_INPUT,
                        "--profile " + profile + ": use auto, deprivileged or ring0");
            };
        }

        /**
         * The image to boot: --image, else the ring0 image where the profile is ring0 (or auto
         * on a host whose guest ring 0 runs in hardware) and {@code ring0Allowed}, else the
         * deprivileged image.
         */
        Path image(boolean ring0Allowed) {
            if (image != null) {
                if (!Files.isRegularFile(image)) {
                    throw new PrerequisiteException("no kernel image at " + image);
                }
                return image;
            }
            Hvm.Profile p0 = profile();
            boolean ring0 = p0 == Hvm.Profile.RING0
                    || p0 == Hvm.Profile.AUTO && KvmProbe.HARDWARE.equals(Kvm.ring0ModeFromHost());
            String relative = ring0 && ring0Allowed ? NautilusImage.RING0_RELATIVE : NautilusImage.RELATIVE;
            Path p = Roots.project().resolve(relative);
            if (!Files.isRegularFile(p)) {
                throw new PrerequisiteException("no " + relative + ": build it with make -C nautilus all (or ./hrt test)");
            }
            return p;
        }

        /**
         * The least private memory the kernel boots with: it wants 16 MiB free (NK_MIN_MEM in
         * nautilus/include/nk/mem.h) after the reserved first MiB and its own image, which a
         * 16 MiB guest does not leave (15188 KiB); 18 MiB boots both profiles.
         */
        static final long MIN_MEM = 18L << 20;
        static final long TWO_MIB = 2L << 20;

        /**
         * Checks the machine's flags before anything boots: profile, vCPUs, memory sizes.
         *
         * @throws CommandLine.ParameterException naming the flag and the fix
         */
        void validate(CommandLine cl) {
            try {
                profile();
            } catch (HvmException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            if (cores < 1 || cores > BootInfo.MAX_CPUS) {
                throw new CommandLine.ParameterException(cl, "--cores " + cores + ": the HVM takes 1 to "
                        + BootInfo.MAX_CPUS + " vCPUs");
            }
            if (mem < MIN_MEM || mem % TWO_MIB != 0) {
                throw new CommandLine.ParameterException(cl, "--mem " + SizeConverter.show(mem) + ": must be a multiple of 2 MiB and at "
                        + "least " + (MIN_MEM >> 20) + " MiB (the kernel wants 16 MiB free after its image and the first MiB): "
                        + "use e.g. --mem 256M");
            }
            if (merged < 0 || merged % TWO_MIB != 0) {
                throw new CommandLine.ParameterException(cl, "--merged " + SizeConverter.show(merged) + ": must be a multiple of 2 MiB "
                        + "(0 = none): use e.g. --merged 64M");
            }
        }

        Hvm.Builder builder() {
            KvmProbe probe = Kvm.probe();
            if (!probe.usable()) {
                throw new PrerequisiteException("KVM is not usable: " + probe.problem());
            }
            return Hvm.builder().cores(cores).memory(mem).merged(merged).profile(profile());
        }
    }

    /** {@code ./hrt hvm boot}: boot the kernel, stream its console, exit with its verdict. */
    @Command(name = "boot", mixinStandardHelpOptions = true,
            description = "Boot the aerokernel in the HVM and run its self-tests (or what --cmdline asks).")
    static final class Boot implements Callable<Integer> {
        @CommandLine.Mixin
        Machine machine = new Machine();

        @Option(names = "--cmdline", description = "kernel command line (default: all self-tests).", defaultValue = "")
        String cmdline;

        @Option(names = "--timeout", description = "seconds to wait for the kernel to exit, at least 1 (default ${DEFAULT-VALUE}).",
                defaultValue = "600")
        int timeoutSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            machine.validate(spec.commandLine());
            if (timeoutSeconds < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout " + timeoutSeconds
                        + ": must be at least 1 second");
            }
            checkTests(spec.commandLine(), cmdline);
            PrintWriter out = spec.commandLine().getOut();
            java.util.Deque<String> tail = new java.util.ArrayDeque<>();
            try {
                Path image = machine.image(true);
                long t0 = System.nanoTime();
                try (Hvm h = machine.builder().cmdline(cmdline).awaitReady(false)
                        .console(line -> {
                            out.println(line);
                            out.flush();
                            synchronized (tail) {
                                tail.addLast(line);
                                if (tail.size() > 20) {
                                    tail.removeFirst();
                                }
                            }
                        }).boot(image)) {
                    int code = h.awaitExit(Duration.ofSeconds(timeoutSeconds));
                    out.printf("hvm: kernel exited with code %d after %.1f ms (%d vCPUs, profile %s)%n",
                            code, (System.nanoTime() - t0) / 1e6, machine.cores, h.profile().name().toLowerCase(Locale.ROOT));
                    out.flush();
                    if (KernelExit.fromCode(code) == KernelExit.BAD_INPUT) {
                        synchronized (tail) {
                            return refused(List.copyOf(tail));
                        }
                    }
                    return code == 0 ? 0 : Main.EXIT_FAILED;
                }
            } catch (HvmException e) {
                throw usageOr(spec, e);
            }
        }

        /** The kernel refused its input (exit code 3): its reason on one line, exit 2. */
        private int refused(List<String> console) {
            String reason = NautilusCommand.refusalReason(console, "see the console above");
            String known = console.stream().filter(l -> l.startsWith("known tests:")).findFirst().orElse("");
            PrintWriter err = spec.commandLine().getErr();
            err.println("hrt hvm boot: the kernel refused its input: " + reason
                    + (known.isEmpty() ? "" : "; " + known + " (fix --cmdline tests=)"));
            err.flush();
            return Main.EXIT_USAGE;
        }

        /**
         * Refuses a {@code tests=} word of the command line that names no test (empty or only
         * commas): the kernel would run every test instead. Which names exist only the image
         * knows; it refuses unknown ones itself (exit 2 with its list).
         */
        static void checkTests(CommandLine cl, String cmdline) {
            for (String word : cmdline.trim().split("\\s+")) {
                if (word.startsWith("tests=") && word.substring("tests=".length()).replace(",", "").isEmpty()) {
                    throw new CommandLine.ParameterException(cl, "--cmdline " + word + ": names no test: give "
                            + "tests=NAME[,NAME...], tests=list to list them, or leave tests= out to run all");
                }
            }
        }
    }

    /** Bad input is bad usage (exit 2); other HVM failures are failed runs (exit 1). */
    static RuntimeException usageOr(CommandLine.Model.CommandSpec spec, HvmException e) {
        if (e.kind() == HvmException.Kind.BAD_INPUT) {
            return new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return e;
    }

    /** {@code ./hrt hvm bench}: boot time and call latencies as JSON lines and a table. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "HRT boot time and ROS->HRT call latency (ring and exit paths): JSON lines, then a table.")
    static final class Bench implements Callable<Integer> {
        @CommandLine.Mixin
        Machine machine = new Machine();

        @Option(names = "--boots", description = "boots to time (default ${DEFAULT-VALUE}).", defaultValue = "30")
        int boots;

        // At least 30: about 250 JIT compilations (FFM and MemorySegment internals) land between
        // boots 5 and 35; then more until the JIT has been idle for JIT_QUIET_BOOTS boots (a trace of
        // this 2-core host showed the compiler threads taking 7-30% of it during the timed boots,
        // a third of what delayed the vCPU threads). The first, cold boot has a row of its own.
        @Option(names = "--warmup", description = "untimed boots first, at least (default ${DEFAULT-VALUE}; more until"
                + " the JIT is idle, at most " + MAX_WARMUP + ").", defaultValue = "30")
        int warmup;

        static final int JIT_QUIET_BOOTS = 10;
        static final int MAX_WARMUP = 300;

        private int warmedUp;
        private boolean jitIdle;

        @Option(names = "-n", description = "ring calls to time (default ${DEFAULT-VALUE}).", defaultValue = "200000")
        int n;

        @Option(names = "--exit-n", description = "exit-path calls, and calls making an HRT->ROS request, to time "
                + "(default ${DEFAULT-VALUE}).", defaultValue = "5000")
        int exitN;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** One benchmark's samples in nanoseconds; {@code extra}: more JSON fields (",\"k\":v" or ""). */
        record Row(String bench, String path, long[] ns, String extra) {
            Row(String bench, String path, long[] ns) {
                this(bench, path, ns, "");
            }

            /** Nearest rank, as {@link org.legionhrt.bench.Stats}: every percentile is a measured sample. */
            long pct(double p) {
                return ns[(int) Math.max(0, Math.min(ns.length - 1, Math.ceil(p * ns.length) - 1))];
            }
        }

        @Override
        public Integer call() {
            try {
                return measure();
            } catch (HvmException e) {
                throw usageOr(spec, e);
            }
        }

        private int measure() {
            machine.validate(spec.commandLine());
            if (boots < 1 || warmup < 0 || n < 1 || exitN < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), String.format(
                        "--boots %d, --warmup %d, -n %d, --exit-n %d: counts must be >= 1 (--warmup >= 0)", boots, warmup, n, exitN));
            }
            PrintWriter out = spec.commandLine().getOut();
            // ring0 only when asked for: its calls poll (no doze), and its boot calibrates the
            // local APIC timer, so auto keeps measuring the deprivileged profile.
            Path image = machine.image(machine.profile() == Hvm.Profile.RING0);
            List<Row> rows = new ArrayList<>();
            rows.addAll(bootTimes(image));
            try (Hvm h = machine.builder().cmdline(HrtFunctions.SERVE_CMDLINE).handler(1, a -> a[0]).boot(image)) {
                if (h.profile() != Hvm.Profile.RING0) {
                    rows.add(reboots(h));                 // a ring0 kernel is booted afresh, not rebooted
                }
                rows.add(calls(h, "ring_null_call", "call ring (polling HRT core)", n, false));
                rows.add(calls(h, "exit_null_call", "exit path (answer by VM exit)", exitN, true));
                rows.add(rosRequests(h, exitN));
                h.call(HrtFunctions.STOP);
                h.awaitExit(Duration.ofSeconds(10));
            }
            for (Row r : rows) {
                out.println(json(r));
            }
            out.println();
            out.printf("%-22s %-34s %9s %10s %10s %10s %10s%n", "bench", "path", "n", "min", "median", "p99", "max");
            for (Row r : rows) {
                out.printf("%-22s %-34s %9d %10s %10s %10s %10s%n", r.bench(), r.path(), r.ns().length,
                        human(r.ns()[0]), human(r.pct(0.5)), human(r.pct(0.99)), human(r.ns()[r.ns().length - 1]));
            }
            out.printf("boots timed after %d untimed ones%s%n", warmedUp,
                    jitIdle ? " (by then the JIT had been idle for " + JIT_QUIET_BOOTS + " boots)" : "");
            out.printf("targets: boot <= 5 ms (256 MiB, 2 vCPUs); ring null call <= 1 us median%n");
            out.flush();
            return 0;
        }

        /**
         * Steady-state boots (after the warm-up: at least --warmup boots, then until the JIT has
         * compiled nothing for JIT_QUIET_BOOTS boots), then the very first boot of this JVM on its own.
         */
        private List<Row> bootTimes(Path image) {
            long first = bootOnce(image);
            JitWarmup.Result w = JitWarmup.run(() -> bootOnce(image), warmup, JIT_QUIET_BOOTS, MAX_WARMUP);
            long[] ns = new long[boots];
            for (int i = 0; i < boots; i++) {
                ns[i] = bootOnce(image);
            }
            Arrays.sort(ns);
            warmedUp = w.runs();
            jitIdle = w.idle();
            String extra = String.format(Locale.ROOT, ",\"warmup_boots\":%d,\"jit_idle\":%b", w.runs(), w.idle());
            return List.of(new Row("hvm_boot", "boot() to ready (every CPU set up)", ns, extra),
                    new Row("hvm_first_boot", "first boot in this JVM (cold)", new long[] {first}));
        }

        private long bootOnce(Path image) {
            try (Hvm h = machine.builder().cmdline(HrtFunctions.SERVE_CMDLINE).boot(image)) {
                long ns = h.bootNanos();
                h.call(HrtFunctions.STOP);
                h.awaitExit(Duration.ofSeconds(10));
                return ns;
            }
        }

        /** Reboots of the HRT alone in the same VM (the original HVM's "reboot the HRT"). */
        private Row reboots(Hvm h) {
            long[] ns = new long[boots];
            for (int i = 0; i < boots; i++) {
                h.call(HrtFunctions.STOP);
                h.awaitExit(Duration.ofSeconds(10));
                h.reboot();
                ns[i] = h.bootNanos();
            }
            Arrays.sort(ns);
            return new Row("hrt_reboot", "reboot() in the same VM to ready", ns);
        }

        private static Row calls(Hvm h, String name, String path, int count, boolean exit) {
            Runnable nullCall = exit ? () -> h.callExit(HrtFunctions.NULL) : () -> h.call(HrtFunctions.NULL);
            for (int i = 0; i < Math.min(count, 20_000); i++) {       // warm up the JIT and the caches
                nullCall.run();
            }
            long[] ns = new long[count];
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                nullCall.run();
                ns[i] = System.nanoTime() - t0;
            }
            Arrays.sort(ns);
            return new Row(name, path, ns);
        }

        private static Row rosRequests(Hvm h, int count) {
            long[] ns = new long[count];
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                h.call(HrtFunctions.ROS_RING, 1, i);
                ns[i] = System.nanoTime() - t0;
            }
            Arrays.sort(ns);
            return new Row("ros_request_roundtrip", "call + HRT->ROS request (ring/exit)", ns);
        }

        /** One JSON line; {@code env} says where the measured code ran, as the kernel's lines do. */
        String json(Row r) {
            boolean us = r.bench().endsWith("boot");
            double div = us ? 1000.0 : 1.0;
            return String.format(Locale.ROOT,
                    "{\"bench\":\"%s\",\"impl\":\"hrt\",\"env\":\"hvm-kvm\",\"unit\":\"%s\",\"n\":%d,\"min\":%.1f,"
                            + "\"median\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"cores\":%d,\"mem\":%d,\"path\":\"%s\"%s}",
                    r.bench(), us ? "us" : "ns", r.ns().length, r.ns()[0] / div, r.pct(0.5) / div, r.pct(0.99) / div,
                    r.ns()[r.ns().length - 1] / div, machine.cores, machine.mem, r.path(), r.extra());
        }

        private static String human(long ns) {
            if (ns >= 1_000_000) {
                return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
            }
            if (ns >= 10_000) {
                return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
            }
            return ns + " ns";
        }
    }
}
