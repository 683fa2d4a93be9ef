// Backend "hrt": the runtime inside the aerokernel under the HVM. Boots lhrt-hrt.elf with its
// call server (kernel test lhrt_serve), hands the API call-ring stubs with the C API's exact
// signatures (HrtCalls), and places region instances in the merged region, so Java accessors
// read and write them in place. Java task bodies come from the runtime's external queue.
package org.legionhrt.legion.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.legionhrt.hvm.HrtFunctions;
import org.legionhrt.hvm.Hvm;
import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.boot.PageTables;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import org.legionhrt.legion.LegionException;
import org.legionhrt.legion.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime in an HRT of its own, one HVM per runtime (internal). */
public final class HrtBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(HrtBackend.class);
    /** The image inside the repository. */
    public static final String IMAGE = "legion-hrt-port/target/native/lhrt-hrt.elf";
    /**
     * Least private guest RAM: the runtime's metadata, task stacks, reduction buffers. It grows
     * to the instance memory's size (a reduction buffer spans the bounding box of the field it
     * reduces into), mapped lazily like the merged region; -Dlegionhrt.hrt.ram sets it.
     */
    public static final long DEFAULT_RAM = 512L << 20;
    private static final AtomicBoolean TOLD_OVERSUBSCRIBED = new AtomicBoolean();
    /** An idle HRT CPU's spin before it dozes, in microseconds, when the host is oversubscribed. */
    public static final int OVERSUBSCRIBED_IDLE_SPIN_US = 20;
    /** Default instance memory when the config asks for none (instances must be in the merged region; mapped lazily, so untouched memory costs nothing). */
    public static final long DEFAULT_INSTANCES = 1L << 30;
    /**
     * Merged memory beyond the instances: per-thread frames and staging, plus half the instance
     * memory again for the Java views of HRT-private buffers (a Java task's reduction buffer is
     * as large as the field's bounding box). Mapped lazily: what is not used costs nothing.
     */
    private static final long RESERVE = 64L << 20;

    private final Hvm hvm;
    private final HrtMemory mem;
    private final LhrtBindings lhrt;
    private final HrtCalls calls;
    private final int cores;
    private final long instances;
    private volatile boolean closed;
    /** Told the runtime's failure (see {@link #onFailure}). */
    private volatile java.util.function.Consumer<LegionException> failureListener = e -> { };
    /** The live backends, for {@link #inMergedRegion}. */
    private static final java.util.Set<HrtBackend> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private HrtBackend(Hvm hvm, HrtCalls.AsyncWaiters waiters, int cores, long instances, boolean deferLaunches) {
        this.hvm = hvm;
        this.cores = cores;
        this.instances = instances;
        this.mem = new HrtMemory(hvm.merged());
        this.calls = new HrtCalls(hvm, mem, waiters, e -> {
            LOG.warn("backend hrt: the HRT failed; the runtime is lost");
            failureListener.accept(e);
        }, deferLaunches);
        this.lhrt = new LhrtBindings(calls);
        LIVE.add(this);
    }

    /**
     * {@return whether {@code [address, address + size)} is in the merged region of a live hrt
     * backend: memory the HRT sees at this very address}
     */
    public static boolean inMergedRegion(long address, long size) {
        return LIVE.stream().anyMatch(b -> !b.closed && b.mem.contains(address, size));
    }

    /**
     * {@return whether the call server shares CPU 0 with a worker}: with one core, or with no
     * more cores than workers. Otherwise CPU 0 is the call server's own, so that a long native
     * task never holds up the ROS's calls (the kernel schedules cooperatively); sharing suits a
     * host with fewer cores than the HRT's vCPUs plus the calling JVM thread, where every extra
     * spinning vCPU makes each hand-off wait for the host scheduler.
     */
    public static boolean sharesCpu0(int cores, int workers) {
        return cores == 1 || (workers > 0 && cores <= workers);
    }

    /** How long a ring call may go unanswered before the HRT counts as stopped. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * {@return how long a ring call may wait} With the call server on a CPU of its own, {@link
     * #CALL_TIMEOUT}; sharing CPU 0, a call also waits for the task CPU 0 runs, so for the task
     * limit more (a day without a limit): a long task must not count as a dead HRT.
     */
    static Duration callTimeout(boolean sharesCpu0, Duration taskLimit) {
        if (!sharesCpu0) {
            return CALL_TIMEOUT;
        }
        return taskLimit.isZero() ? Duration.ofDays(1) : taskLimit.plus(CALL_TIMEOUT);
    }

    /**
     * {@return whether the HRT's vCPUs and the calling JVM thread are at least 1.5 times the
     * host's CPUs} Then hand-offs between them wait for the host scheduler, and an idle vCPU that
     * spins holds a host CPU that a busy one needs. (Measured on 2 CPUs only, with 2 and 3 vCPUs;
     * with the default one worker per CPU, a larger host is oversubscribed by two threads, which
     * matters less, so the threshold is a ratio.)
     */
    public static boolean oversubscribed(int cores, int hostCpus) {
        return 2L * (cores + 1) >= 3L * hostCpus;
    }

    /**
     * The kernel command line: the user's additions (-Dlegionhrt.hrt.cmdline) before ours, as
     * the first occurrence of a key wins. On an oversubscribed host idle CPUs spin
     * {@value #OVERSUBSCRIBED_IDLE_SPIN_US} us instead of the kernel's 1 ms before they doze:
     * measured on a 2-core host with 3 vCPUs, a Java launch + get of an empty native task took
     * 0.31-0.41 ms (median) instead of 2.9-3.3 ms, and the apps ran as fast as before.
     */
    /**
     * {@return whether posted (deferred) launches keep their order}: they rely on one call
     * server taking the ring's tickets in turn, which a kernel argument {@code hvm_servers=N}
     * (N > 1; the first occurrence counts) would break.
     */
    static boolean oneCallServer(String cmdline) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|\\s)hvm_servers=(\\S*)").matcher(cmdline);
        if (!m.find()) {
            return true;
        }
        try {
            return Integer.parseInt(m.group(1)) <= 1;
        } catch (NumberFormatException e) {
            return true;                     // the kernel reads a malformed count as 1 too
        }
    }

    static String cmdline(int cores, int workers, int hostCpus) {
        StringBuilder b = new StringBuilder("tests=lhrt_serve");
        String extra = System.getProperty("legionhrt.hrt.cmdline", "").trim();
        if (!extra.isEmpty()) {
            b.append(' ').append(extra);
        }
        if (sharesCpu0(cores, workers)) {
            b.append(" lhrt_share_cpu0=1");
        }
        if (oversubscribed(cores, hostCpus)) {
            b.append(" idle_spin_us=").append(OVERSUBSCRIBED_IDLE_SPIN_US);
        }
        return b.toString();
    }

    /** {@return a booted HRT serving the runtime's C API, sized by {@code config}} @throws LegionException if it cannot start */
    static HrtBackend open(RuntimeConfig config) {
        int cores = config.hrtCores() > 0 ? config.hrtCores()
                : Integer.getInteger("legionhrt.hrt.cores", RuntimeConfig.defaultHrtCores(config.workers()));
        int host = java.lang.Runtime.getRuntime().availableProcessors();
        if (cores > RuntimeConfig.maxHrtCores(host)) {
            String from = config.hrtCores() > 0 ? "hrtCores " + cores
                    : cores + " HRT cores (workers " + config.workers() + " + 1 for the call server)";
            throw new LegionException("backend hrt: " + from + " is more than the " + RuntimeConfig.maxHrtCores(host)
                    + " vCPUs allowed on this " + host + "-CPU host (4 per host CPU, counting at least 2): lower "
                    + (config.hrtCores() > 0 ? "hrtCores" : "the workers or set hrtCores") + " to at most "
                    + RuntimeConfig.maxHrtCores(host));
        }
        if (cores < 1) {
            throw new LegionException("backend hrt needs at least 1 HRT core, not " + cores);
        }
        long instances = config.memorySize() > 0 ? config.memorySize() : DEFAULT_INSTANCES;
        long merged = mergedFor(instances);
        long ram = Long.getLong("legionhrt.hrt.ram", ramFor(config.memorySize()));
        checkMappable(config.memorySize(), ram, merged);
        KvmProbe probe = Kvm.probe();
        if (!probe.usable()) {
            throw new LegionException("backend hrt needs a usable /dev/kvm (" + probe.problem()
                    + "); use --backend linux (RuntimeConfig.withBackend(\"linux\"))");
        }
        Path image = config.hrtImage().isEmpty() ? imagePath() : Path.of(config.hrtImage());
        if (!Files.isRegularFile(image)) {
            throw new LegionException("backend hrt: HRT image " + image + " not found");
        }
        long t0 = System.nanoTime();
        boolean shared = sharesCpu0(cores, config.workers());
        HrtCalls.AsyncWaiters waiters = new HrtCalls.AsyncWaiters();
        AtomicReference<HrtUpcalls> upcalls = new AtomicReference<>();
        org.legionhrt.hvm.ring.RosHandler relay = args -> upcalls.get().handle(args);   // Java callbacks (HrtUpcalls)
        String kernelArgs = cmdline(cores, config.workers(), host);
        Hvm h;
        try {
            // The completion notices of blocking calls come through the synchronous exit; the one
            // request-ring thread serves bursts of Java callbacks (parked while there are none).
            h = Hvm.builder().cores(cores).handler(HrtCalls.ASYNC_DONE, waiters).handler(HrtUpcalls.HANDLER, relay)
                    .requestThreads(HrtUpcalls.REQUEST_THREADS).memory(ram).merged(merged).cmdline(kernelArgs)
                    .callTimeout(callTimeout(shared, config.hrtTaskLimit()))
                    .bootTimeout(Duration.ofSeconds(120)).boot(image);
        } catch (HvmException e) {
            throw new LegionException(0, "backend hrt: the HVM did not boot " + image + ": " + e.getMessage(), e);
        }
        try {
            boolean defer = config.hrtDeferredLaunches() && oneCallServer(kernelArgs);
            if (config.hrtDeferredLaunches() && !defer) {
                LOG.info("backend hrt: launches wait for their answer: posted ones need one call server (hvm_servers)");
            }
            HrtBackend b = new HrtBackend(h, waiters, cores, instances, defer);
            upcalls.set(b.calls.upcalls);
            if (!config.hrtTaskLimit().isZero()) {
                b.calls.watchForHungTasks(config.hrtTaskLimit(), shared);
            }
            LOG.debug("backend hrt: {} cores (call server {}), {} MiB RAM, {} MiB merged, booted in {} ms", cores,
                    shared ? "sharing CPU 0" : "on CPU 0", ram >> 20, merged >> 20,
                    (System.nanoTime() - t0) / 1_000_000);
            if (oversubscribed(cores, host) && !shared && !TOLD_OVERSUBSCRIBED.getAndSet(true)) {
                LOG.info("backend hrt: the HRT's {} vCPUs and the calling JVM thread share {} host CPUs, so a synchronous "
                        + "call waits for the host scheduler; with hrtCores <= workers (--hrt-cores) the call server "
                        + "shares CPU 0 with a worker and round trips stay on one vCPU", cores, host);
            }
            return b;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** {@return the merged region for {@code instances} bytes of instance memory} */
    private static long mergedFor(long instances) {
        return roundUp(instances + instances / 2 + RESERVE, 2L << 20);
    }

    /** {@return the private guest RAM for RuntimeConfig.memorySize {@code memorySize} (0: none asked)} */
    private static long ramFor(long memorySize) {
        return memorySize > 0 ? Math.max(DEFAULT_RAM, roundUp(memorySize, 64L << 20)) : DEFAULT_RAM;
    }

    /**
     * Refuses, before anything is mapped, a memory size whose guest page tables cannot hold it
     * (deprivileged boots, the only kind where guest ring 0 is emulated): the HVM said so only
     * after mapping it all (23 s for 1 TiB), in its own flags' words (--mem, --merged).
     */
    private static void checkMappable(long memorySize, long ram, long merged) {
        if (PageTables.fits(ram, merged) || !Hvm.bootsDeprivileged(Hvm.Profile.AUTO)) {
            return;
        }
        long most = mostMappable();
        String asked = memorySize > 0 ? "memorySize " + Backend.size(memorySize)
                : "-Dlegionhrt.hrt.ram=" + ram + " with the default instance memory";
        throw new LegionException("backend hrt: " + asked + " is more than the HRT can map (its page tables take "
                + "a page per GiB of its RAM and of 1.5 times the instance memory, " + PageTables.CAPACITY
                + " pages at most): lower RuntimeConfig.withMemorySize to at most " + Backend.size(most));
    }

    /** {@return the largest instance memory, in whole GiB, whose guest page tables fit (RuntimeConfig.maxHrtMemorySize)} */
    public static long mostMappable() {
        long most = 0;
        for (long g = 1L << 30; PageTables.fits(ramFor(g), mergedFor(g)); g += 1L << 30) {
            most = g;
        }
        return most;
    }

    private static long roundUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** {@return the HRT image} @throws LegionException naming the fix when it is not built */
    public static Path imagePath() {
        String explicit = System.getProperty("legionhrt.hrt.image");
        Path p = explicit != null && !explicit.isBlank() ? Path.of(explicit) : LinuxBackend.projectRoot().resolve(IMAGE);
        if (!Files.isRegularFile(p)) {
            throw new LegionException("backend hrt: " + p + " is not built (make -C legion-hrt-port/hrt all, or run ./hrt"
                    + " / mvn package); or use --backend linux");
        }
        return p;
    }

    /** {@return why backend hrt cannot run here, or null when it can} */
    public static String unavailableReason() {
        KvmProbe probe = Kvm.probe();
        if (!probe.usable()) {
            return "/dev/kvm is unusable (" + probe.problem() + ")";
        }
        try {
            imagePath();
        } catch (LegionException e) {
            return e.getMessage();
        }
        return null;
    }

    @Override
    public RuntimeConfig configure(RuntimeConfig config) {
        // Instances must live in the merged region; Java tasks come from the queue (callbacks are HrtUpcalls).
        return config.withMemorySize(instances).withJavaExecution(RuntimeConfig.JavaExecution.QUEUE);
    }

    @Override
    public String name() {
        return "hrt";
    }

    /** Closed futures go back to the HRT 64 at a time: a Java launch plus its release was two ring calls. */
    @Override
    public int futureReleaseBatch() {
        return 64;
    }

    @Override
    public LhrtBindings lhrt() {
        return lhrt;
    }

    @Override
    public MemorySegment allocateInstanceArena(Arena arena, long size) {
        return mem.allocateZeroed(size, 2L << 20);
    }

    @Override
    public void resolveCausesWith(java.util.function.Function<String, Throwable> causes) {
        calls.causes = causes;
    }

    @Override
    public void onFailure(java.util.function.Consumer<LegionException> listener) {
        failureListener = listener;
    }

    @Override
    public boolean failureReported() {
        return calls.failureReported();
    }

    @Override
    public LegionException failure() {
        return calls.failure();
    }

    @Override
    public long[] callServerLoad() {
        return calls.serverLoad();
    }

    /** {@return the number of HRT cores} */
    public int cores() {
        return cores;
    }

    /** {@return the HRT CPUs the runtime's workers run on: all of them when CPU 0 is shared} */
    public int workerCpus() {
        return calls.workerCpus();
    }

    /** {@return the C API calls made over the ring so far} */
    public long callCount() {
        return calls.calls.get();
    }

    /** {@return the HVM (for tests and measurements)} */
    public Hvm hvm() {
        return hvm;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        LOG.debug("backend hrt: {} runtime calls over the ring", calls.calls.get());
        calls.upcalls.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (calls.active.get() > 0 && System.nanoTime() < deadline) {
            // Threads still inside a call touch the merged region: wait before it is unmapped.
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        try {
            hvm.call(HrtFunctions.STOP);
            hvm.awaitExit(Duration.ofSeconds(10));
        } catch (HvmException e) {
            LOG.debug("backend hrt: the HVM ended with {}", e.getMessage());
        } finally {
            hvm.close();
        }
    }
}
