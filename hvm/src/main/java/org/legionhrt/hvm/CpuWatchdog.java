package org.legionhrt.hvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.legionhrt.hvm.ring.CommLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A soft-lockup watchdog for the HRT's CPUs. The kernel publishes each CPU's switch count and
 * whether it runs a thread (CommLayout.CPU_PROGRESS); scheduling is cooperative, so a CPU that
 * stays busy with a count that stands still has one thread that does not give it back. Read
 * from outside, four times a second on one daemon thread for every HVM: no call to the kernel,
 * whose call server may be on that very CPU. The stuck time counts from the first look that saw
 * the count, so it is short by up to one period.
 */
final class CpuWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(CpuWatchdog.class);
    private static final long PERIOD_MS = 250;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hvm-watchdog").daemon(true).factory());

    private final MemorySegment comm;
    private final long limitNanos;
    private final IntPredicate watched;
    private final Hvm.StuckCpu onStuck;
    private final java.util.function.BiConsumer<Integer, String> halt;
    private final long[] last;
    private final long[] since;
    private final ScheduledFuture<?> task;
    private volatile boolean fired;

    /** Looks at {@code cpus} CPUs' words in {@code comm}; the first stuck one gets {@code halt(cpu, reason)}. */
    CpuWatchdog(MemorySegment comm, int cpus, long limitNanos, IntPredicate watched, Hvm.StuckCpu onStuck,
                java.util.function.BiConsumer<Integer, String> halt) {
        this.halt = halt;
        this.comm = comm;
        this.limitNanos = limitNanos;
        this.watched = watched;
        this.onStuck = onStuck;
        this.last = new long[cpus];
        this.since = new long[cpus];
        this.task = TIMER.scheduleAtFixedRate(this::lookSafely, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** The CPU's published progress word. */
    static long progress(MemorySegment comm, int cpu) {
        return (long) JAVA_LONG.varHandle().getVolatile(comm, CommLayout.CPU + cpu * CommLayout.CPU_STRIDE + CommLayout.CPU_PROGRESS);
    }

    /** A periodic task that throws is never run again: say so instead of going quiet. */
    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.error("watchdog: stopped watching the HRT's CPUs", e);
            stop();
        }
    }

    private void look() {
        if (fired) {
            return;
        }
        long now = System.nanoTime();
        for (int c = 0; c < last.length; c++) {
            long p = progress(comm, c);
            boolean busy = (p & 1) != 0;
            if (!busy || p != last[c] || since[c] == 0 || !watched.test(c)) {
                last[c] = p;
                since[c] = now;
                continue;
            }
            if (now - since[c] > limitNanos) {
                fired = true;
                stop();
                try {
                    halt.accept(c, onStuck.reason(c, java.time.Duration.ofNanos(now - since[c])));
                } catch (RuntimeException e) {
                    LOG.warn("watchdog: could not stop the HVM for stuck CPU {}", c, e);
                }
                return;
            }
        }
    }

    /** Stops looking; idempotent. */
    void stop() {
        task.cancel(false);
    }
}
