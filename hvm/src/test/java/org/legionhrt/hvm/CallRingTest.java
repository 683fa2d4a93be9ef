/*
 * ROS->HRT calls and HRT->ROS requests against the minimal call-server guest: values by
 * round trip, zero-copy through the merged region, unknown ids, many concurrent callers
 * with no lost or duplicated answer, dozing servers woken by a call, the exit path, and
 * calls after shutdown.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

class CallRingTest {
    private static final int NULL = 0;
    private static final int ECHO = 1;
    private static final int FILL = 2;
    private static final int SUM = 3;
    private static final int ROS_RING = 4;
    private static final int ROS_SYNC = 5;
    private static Hvm hvm;
    private static final AtomicLong handled = new AtomicLong();

    @BeforeAll
    static void boot() {
        TestGuests.assumeKvm();
        hvm = Hvm.builder().cores(2).memory(32L << 20).merged(4L << 20)
                .handler(7, args -> {
                    handled.incrementAndGet();
                    return args[0] * 2;
                })
                .boot(TestGuests.guest("callserver"));
    }

    @AfterAll
    static void shutdown() {
        if (hvm != null) {
            hvm.close();
        }
    }

    @Test
    void nullAndEchoRoundTrip() {
        assertThat(hvm.call(NULL)).isZero();
        assertThat(hvm.call(ECHO, 0xdeadbeefcafeL)).isEqualTo(0xdeadbeefcafeL);
        assertThat(hvm.bootNanos()).isPositive();
    }

    @Test
    void zeroCopyBothWaysThroughTheMergedRegion() {
        MemorySegment m = hvm.merged();
        long n = 1000;
        for (long i = 0; i < n; i++) {
            m.setAtIndex(JAVA_LONG, i, i + 1);
        }
        assertThat(hvm.call(SUM, m.address(), n)).isEqualTo(n * (n + 1) / 2);
        MemorySegment out = m.asSlice(64 * 1024);
        assertThat(hvm.call(FILL, out.address(), n, 100)).isEqualTo(n);
        for (long i = 0; i < n; i++) {
            assertThat(out.getAtIndex(JAVA_LONG, i)).isEqualTo(100 + i);
        }
    }

    @Test
    void unknownFunctionIdIsNamed() {
        assertThatThrownBy(() -> hvm.call(999)).isInstanceOf(HvmException.class)
                .hasMessageContaining("unknown HRT function id 999");
        assertThat(hvm.call(ECHO, 5)).isEqualTo(5);   // the ring still works
    }

    @Test
    void tooManyArgumentsAreRefused() {
        assertThatThrownBy(() -> hvm.call(ECHO, 1, 2, 3, 4, 5)).hasMessageContaining("at most 4");
    }

    @Test
    void concurrentCallersGetTheirOwnAnswers() throws Exception {
        int threads = 8;
        int calls = Integer.getInteger("hvm.test.calls", 25_000);
        List<Thread> ts = new ArrayList<>();
        AtomicLong wrong = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            long base = (long) t << 40;
            ts.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; i < calls; i++) {
                    if (hvm.call(ECHO, base + i) != base + i) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(wrong.get()).isZero();
    }

    @Test
    void asyncCallsComplete() {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            fs.add(hvm.callAsync(ECHO, i));
        }
        for (int i = 0; i < fs.size(); i++) {
            assertThat(fs.get(i).join()).isEqualTo(i);
        }
    }

    @Test
    void dozingServerIsWokenByACall() throws Exception {
        Thread.sleep(20);               // the server dozes after ~50 us idle
        assertThat(hvm.call(ECHO, 42)).isEqualTo(42);
    }

    @Test
    void exitPathGivesTheSameAnswers() {
        for (long i = 0; i < 100; i++) {
            assertThat(hvm.callExit(ECHO, i)).isEqualTo(i);
        }
    }

    @Test
    void hrtAsksTheRosThroughTheRingAndTheExit() {
        long before = handled.get();
        assertThat(hvm.call(ROS_RING, 7, 21)).isEqualTo(42);
        assertThat(hvm.call(ROS_SYNC, 7, 50)).isEqualTo(100);
        assertThat(handled.get() - before).isEqualTo(2);
    }
}
