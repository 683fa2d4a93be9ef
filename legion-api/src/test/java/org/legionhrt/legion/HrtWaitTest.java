package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backend hrt: a JVM thread blocked in a long HRT call sleeps until the HRT tells it the call
 * is done, instead of polling: the host's cores are the ones the HRT's vCPUs run on, so a
 * polling waiter takes time from the runtime's workers.
 */
class HrtWaitTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HrtWaitTest.class);

    @BeforeAll
    static void need() {
        Backends.assume("hrt");
    }

    @Test
    void aThreadWaitingOnALongNativeTaskSleeps() {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withBackend("hrt").withWorkers(1)
                .withMemorySize(16L << 20))) {
            TaskId<Long> busy = rt.registerNativeTask("busy", ValueType.LONG, Path.of("(image)"), "lhrt_hrt_demo_busy");
            for (int i = 0; i < 3; i++) {
                cpuOfWaitingFor(rt, busy, 1000);             // first uses: class loading, stubs, JIT
            }
            long brief = cpuOfWaitingFor(rt, busy, 100_000), longer = cpuOfWaitingFor(rt, busy, 1_100_000);
            LOG.info("CPU of the waiting JVM thread: {} us for a 0.1 s task, {} us for a 1.1 s task", brief / 1000,
                    longer / 1000);
            assertThat(longer - brief).as("CPU the waiting thread spent on one more second of waiting (polling "
                    + "every 100 us took tens of ms)").isLessThan(15_000_000L);
        }
    }

    /** {@return the CPU time the calling thread spent launching a task of {@code us} microseconds and waiting for it} */
    private static long cpuOfWaitingFor(Runtime rt, TaskId<Long> busy, long us) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        try (Future<Long> f = rt.context().execute(TaskLauncher.of(busy).args(ValueType.LONG, us))) {
            assertThat(f.get()).as("microseconds the task ran").isGreaterThanOrEqualTo(us);
        }
        assertThat(System.nanoTime() - t0).as("the wait ends when the task does").isLessThan(us * 1000 + 5_000_000_000L);
        return mx.getCurrentThreadCpuTime() - cpu0;
    }
}
