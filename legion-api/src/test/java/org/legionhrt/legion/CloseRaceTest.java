package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runtime.close racing with other threads' calls: calls begun after close fail with a
 * LegionException, calls under way end first (close waits for them), and the bodies of
 * pending tasks keep using the API until they are done.
 */
class CloseRaceTest {

    /** Threads launching, querying and mapping in a loop all end with "the runtime is closed" (they hung or crashed the JVM). */
    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void closeEndsTheCallsOfOtherThreadsWithALegionException(String backend) throws Exception {
        for (int round = 0; round < 3; round++) {
            Runtime rt = Runtime.start(Backends.config(backend, 2).withMemorySize(16L << 20));
            TaskId<Long> small = rt.registerTask("small", ValueType.LONG, c -> c.index() + 1);
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.LONG);
            LogicalRegion reg = rt.createRegion(rt.indexSpace(64), fs);
            Map<Integer, Throwable> ended = new ConcurrentHashMap<>();
            CountDownLatch running = new CountDownLatch(3);
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int kind = k;
                Thread t = new Thread(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            switch (kind) {
                                case 0 -> {
                                    try (Future<Long> g = rt.context().execute(TaskLauncher.of(small))) {
                                        g.get();
                                    }
                                }
                                case 1 -> rt.indexSpace(5).volume();
                                default -> {
                                    try (PhysicalRegion pr = rt.context().map(reg, Privilege.READ_WRITE, f)) {
                                        pr.longField(f);
                                    }
                                }
                            }
                        }
                    } catch (Throwable e) {
                        ended.put(kind, e);
                    }
                }, "close-race-" + k);
                t.start();
                threads.add(t);
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100 + 60 * round);
            assertTimeoutPreemptively(Duration.ofSeconds(60), rt::close, "close hung");
            for (Thread t : threads) {
                t.join(15_000);
                assertThat(t.isAlive()).as(t.getName() + " still in a call after close").isFalse();
            }
            assertThat(ended).hasSize(3);
            ended.values().forEach(e -> assertThat(e).isInstanceOf(LegionException.class).hasMessageContaining("closed"));
        }
    }

    /**
     * A thread waiting for a long task when close begins gets the value (close waits for it), and
     * that task's body still launches, waits and creates while the runtime closes.
     */
    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void closeWaitsForACallUnderWayAndTheBodiesItWaitsFor(String backend) throws Exception {
        Runtime rt = Runtime.start(Backends.config(backend, 2));
        CountDownLatch started = new CountDownLatch(1);
        TaskId<Long> child = rt.registerTask("child", ValueType.LONG, c -> 5L);
        TaskId<Long> slow = rt.registerTask("slow", ValueType.LONG, c -> {
            started.countDown();
            Thread.sleep(600);                                        // close begins meanwhile
            long v = c.runtime().indexSpace(3).volume();
            try (Future<Long> g = c.execute(TaskLauncher.of(child))) {
                return v + g.get();
            }
        });
        Long[] got = new Long[1];
        Throwable[] failed = new Throwable[1];
        Thread waiter = new Thread(() -> {
            try (Future<Long> g = rt.context().execute(TaskLauncher.of(slow))) {
                got[0] = g.get();
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        waiter.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(60), rt::close, "close hung");
        waiter.join(15_000);
        assertThat(failed[0]).isNull();
        assertThat(got[0]).isEqualTo(8L);
        assertThat(rt.isClosed()).isTrue();
    }
}
