package org.legionhrt.hvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.legionhrt.hvm.ring.CommLayout;

/**
 * The CPU watchdog over a communication area written by the test (no guest needed): a CPU busy
 * with a switch count that stands still is reported once, after the limit; idle CPUs, CPUs
 * that keep switching and CPUs not watched never are.
 */
class CpuWatchdogTest {
    private static void publish(MemorySegment comm, int cpu, long switches, boolean busy) {
        JAVA_LONG.varHandle().setVolatile(comm, CommLayout.CPU + cpu * CommLayout.CPU_STRIDE + CommLayout.CPU_PROGRESS,
                switches << 1 | (busy ? 1 : 0));
    }

    @Test
    void onlyABusyCpuThatStopsSwitchingIsReported() throws Exception {
        try (Arena a = Arena.ofShared()) {            // the watchdog reads it from its own thread
            MemorySegment comm = a.allocate(CommLayout.CALL, 64);
            publish(comm, 0, 7, false);       // idle
            publish(comm, 1, 9, true);        // stuck
            publish(comm, 2, 1, true);        // keeps switching (below)
            publish(comm, 3, 4, true);        // stuck, but not watched
            CompletableFuture<String> stopped = new CompletableFuture<>();
            long t0 = System.nanoTime();
            CpuWatchdog w = new CpuWatchdog(comm, 4, Duration.ofMillis(600).toNanos(), cpu -> cpu != 3,
                    (cpu, stuck) -> "cpu " + cpu + " stuck " + (stuck.toMillis() >= 600),
                    (cpu, reason) -> stopped.complete(cpu + ": " + reason));
            try {
                for (int i = 2; !stopped.isDone() && System.nanoTime() - t0 < 5_000_000_000L; i++) {
                    publish(comm, 2, i, true);
                    Thread.sleep(50);
                }
                assertThat(stopped.get(1, TimeUnit.SECONDS)).isEqualTo("1: cpu 1 stuck true");
                assertThat((System.nanoTime() - t0) / 1e6).as("ms to notice a 600 ms limit").isBetween(600.0, 2500.0);
            } finally {
                w.stop();
            }
        }
    }
}
