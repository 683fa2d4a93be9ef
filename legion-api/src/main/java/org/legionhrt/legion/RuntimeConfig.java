package org.legionhrt.legion;

import java.time.Duration;
import java.util.Objects;

/**
 * How to start a {@link Runtime}.
 *
 * @param backend       where the runtime runs: {@code "linux"} (liblhrt.so in this process);
 *                      {@code "hrt"} (the runtime inside an HVM of its own: instances in the merged
 *                      region, Java tasks always in QUEUE mode, Java callbacks through HRT
 *                      proxies that call the JVM)
 * @param workers       worker threads of the runtime; 0 = one per core
 * @param memorySize    bytes of the arena that region instances are placed in; 0 = the system
 *                      memory (pages allocated on demand). Backend linux allocates it at start;
 *                      backend hrt maps at most 23 GiB (its guest page tables)
 * @param pinWorkers    whether worker i is bound to core i mod cores
 * @param spinNs        how long an idle worker spins before sleeping; -1 = the runtime's default
 * @param javaExecution how Java task bodies are run (see {@link JavaExecution})
 * @param hrtCores      backend hrt: vCPUs of the HRT; 0 = workers + 1, at least 2. With more
 *                      cores than workers, CPU 0 serves calls and the rest run workers; with one
 *                      core, or no more cores than workers, the call server shares CPU 0 with a
 *                      worker (quicker round trips on a host with few cores, but a call waits
 *                      while CPU 0 runs a native task, up to the task limit)
 * @param hrtImage      backend hrt: the HRT image to boot (one with an app's kernels linked in);
 *                      "" = legion-hrt-port/target/native/lhrt-hrt.elf
 * @param hrtTaskLimit  backend hrt: how long a native task may keep its HRT CPU without giving
 *                      it back before it counts as hung: the HVM is then stopped and the waiting
 *                      caller gets a {@link LegionException} naming the task, with the vCPUs'
 *                      state (the HVM's watchdog looks four times a second);
 *                      {@link Duration#ZERO} = no limit. Default {@link #DEFAULT_HRT_TASK_LIMIT}
 * @param hrtDeferredLaunches backend hrt: task and index launches are posted to the HRT without
 *                      waiting for its answer (each would otherwise wait a ring round trip). Their
 *                      futures and future maps resolve when first used, and an error the runtime finds in
 *                      the launch itself (the Java API checks most before) is thrown by the
 *                      same thread's next runtime call instead of by {@code execute}. On by
 *                      default; off, every launch waits for its answer
 */
public record RuntimeConfig(String backend, int workers, long memorySize, boolean pinWorkers, int spinNs,
                            JavaExecution javaExecution, int hrtCores, String hrtImage, Duration hrtTaskLimit,
                            boolean hrtDeferredLaunches) {

    /** The default {@link #hrtTaskLimit()}: far beyond any task of the apps' usual sizes. */
    public static final Duration DEFAULT_HRT_TASK_LIMIT = Duration.ofMinutes(5);

    /** Where Java task bodies run. */
    public enum JavaExecution {
        /** On the runtime worker that picked the task, through an upcall (fastest for small tasks). */
        INLINE,
        /** Handed to a pool of JVM threads (as many as workers); the runtime worker returns at once. */
        POOL,
        /**
         * Queued by the runtime and pulled by JVM threads (as many as workers), one task and its
         * snapshot per call: no upcall at all, the mode a runtime that cannot call into the JVM
         * (the HRT) needs.
         */
        QUEUE
    }

    /** Validates the fields. @throws IllegalArgumentException on a negative size or count */
    public RuntimeConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(javaExecution, "javaExecution");
        Objects.requireNonNull(hrtImage, "hrtImage");
        Objects.requireNonNull(hrtTaskLimit, "hrtTaskLimit");
        if (hrtTaskLimit.isNegative()) {
            throw new IllegalArgumentException("hrtTaskLimit must not be negative (ZERO = no limit), not " + hrtTaskLimit);
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0 (0 = one per core), not " + workers);
        }
        if (memorySize < 0) {
            throw new IllegalArgumentException("memorySize must be >= 0, not " + memorySize);
        }
    }

    /**
     * {@return the most instance memory ({@link #withMemorySize}) backend hrt can map, in whole
     * GiB: the HVM's guest page tables bound it} Larger sizes are refused at start.
     */
    public static long maxHrtMemorySize() {
        return org.legionhrt.legion.internal.HrtBackend.mostMappable();
    }

    /** {@return the defaults: backend linux, one worker per core, system memory, inline Java tasks, deferred launches on hrt} */
    public static RuntimeConfig defaults() {
        return new RuntimeConfig("linux", 0, 0, false, -1, JavaExecution.INLINE, 0, "", DEFAULT_HRT_TASK_LIMIT, true);
    }

    /**
     * {@return a copy with {@code n} workers} 0 means one per core: on {@code linux} the host's
     * cores; on {@code hrt} the HRT's vCPUs less the call server's (so on a 2-core host 1, unless
     * {@code withHrtCores} gives the HRT more vCPUs). Name the count to run alike on both.
     */
    public RuntimeConfig withWorkers(int n) {
        return new RuntimeConfig(backend, n, memorySize, pinWorkers, spinNs, javaExecution, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy on backend {@code name}} */
    public RuntimeConfig withBackend(String name) {
        return new RuntimeConfig(name, workers, memorySize, pinWorkers, spinNs, javaExecution, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy whose instances live in an arena of {@code bytes}} */
    public RuntimeConfig withMemorySize(long bytes) {
        return new RuntimeConfig(backend, workers, bytes, pinWorkers, spinNs, javaExecution, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy running Java task bodies as {@code mode} says} */
    public RuntimeConfig withJavaExecution(JavaExecution mode) {
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, spinNs, mode, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** The most workers a runtime may have (the C runtime's limit). */
    public static final int MAX_WORKERS = 1024;

    /**
     * {@return the most vCPUs an HRT may have on a host of {@code hostCpus} CPUs}: four per host
     * CPU, counting at least two (more vCPUs than that only queue on the host's cores).
     */
    public static int maxHrtCores(int hostCpus) {
        return 4 * Math.max(hostCpus, 2);
    }

    /** {@return the HRT's vCPUs when {@code hrtCores} is 0: one per worker and the call server's, at least 2} */
    public static int defaultHrtCores(int workers) {
        return Math.max(2, workers + 1);
    }

    /** {@return a copy whose HRT (backend hrt) has {@code n} cores (see {@link #hrtCores()}); 0 = default} */
    public RuntimeConfig withHrtCores(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("hrtCores must be >= 0 (0 = default), not " + n);
        }
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, spinNs, javaExecution, n, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy whose HRT (backend hrt) boots {@code path}: an image with native kernels linked in} */
    public RuntimeConfig withHrtImage(String path) {
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, spinNs, javaExecution, hrtCores, path, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy with worker pinning on or off} */
    public RuntimeConfig withPinWorkers(boolean pin) {
        return new RuntimeConfig(backend, workers, memorySize, pin, spinNs, javaExecution, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy whose idle workers spin {@code ns} before sleeping} */
    public RuntimeConfig withSpinNs(int ns) {
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, ns, javaExecution, hrtCores, hrtImage, hrtTaskLimit, hrtDeferredLaunches);
    }

    /** {@return a copy whose native tasks on backend hrt count as hung after {@code limit} without giving their CPU back; ZERO = never} */
    public RuntimeConfig withHrtTaskLimit(Duration limit) {
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, spinNs, javaExecution, hrtCores, hrtImage, limit, hrtDeferredLaunches);
    }

    /** {@return a copy whose index launches on backend hrt are posted without waiting (see {@link #hrtDeferredLaunches})} */
    public RuntimeConfig withHrtDeferredLaunches(boolean on) {
        return new RuntimeConfig(backend, workers, memorySize, pinWorkers, spinNs, javaExecution, hrtCores, hrtImage, hrtTaskLimit, on);
    }
}
