/*
 * Run-to-completion of a kernel in a fresh HVM, for callers that only want its console and
 * verdict: `./hrt hvm boot`, and `./hrt nautilus bench --compare-linux`, which runs the
 * kernel microbenchmarks (cmdline "bench") inside the HVM and reads their JSON lines.
 */
package org.legionhrt.hvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The outcome of running a kernel to its exit.
 *
 * @param exitCode  the code the kernel wrote to the exit port (0 = all passed)
 * @param console   every console line, in order
 * @param bootNanos time from boot() to the vCPUs running (readiness not awaited)
 */
public record KernelRun(int exitCode, List<String> console, long bootNanos) {
    /**
     * Boots {@code image} with {@code cores} vCPUs and {@code memory} bytes, runs it with
     * {@code cmdline} until it exits, and returns the verdict and the console.
     *
     * @param listener also receives each console line as it arrives (may be null)
     * @throws HvmException when the kernel faults, panics, or does not exit within {@code timeout}
     */
    public static KernelRun run(Path image, int cores, long memory, String cmdline, Duration timeout,
                                Consumer<String> listener) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Consumer<String> sink = listener == null ? lines::add : l -> {
            lines.add(l);
            listener.accept(l);
        };
        try (Hvm h = Hvm.builder().cores(cores).memory(memory).cmdline(cmdline).awaitReady(false)
                .console(sink).boot(image)) {
            int code = h.awaitExit(timeout);
            return new KernelRun(code, List.copyOf(lines), h.bootNanos());
        }
    }

    /** {@link #run} with the built nautilus-depriv.elf; throws BAD_INPUT when it is not built. */
    public static KernelRun nautilus(int cores, String cmdline, Duration timeout, Consumer<String> listener) {
        Path image = NautilusImage.find().orElseThrow(() -> new HvmException(HvmException.Kind.BAD_INPUT,
                NautilusImage.RELATIVE + " is not built: run make -C nautilus all (or ./hrt test)"));
        return run(image, cores, 256L << 20, cmdline, timeout, listener);
    }
}
