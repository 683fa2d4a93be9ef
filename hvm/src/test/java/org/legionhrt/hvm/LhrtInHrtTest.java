/*
 * The runtime's C test suite inside the HRT: lhrt-hrt.elf (legion-hrt-port/hrt: the
 * deprivileged aerokernel + the runtime over its Nautilus port + the C tests as the kernel
 * test lhrt_quick) boots in the HVM and every runtime test passes: the whole quick tier on
 * one vCPU, and with --small sizes on two (each cross-vCPU wakeup of a dozing CPU costs a
 * host thread wakeup, which a loaded 2-core host makes slow).
 * Skipped with the reason when /dev/kvm is unusable or the image is not built.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

class LhrtInHrtTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LhrtInHrtTest.class);
    /** The image's path inside the repository (make -C legion-hrt-port/hrt all). */
    static final String RELATIVE = "legion-hrt-port/target/native/lhrt-hrt.elf";
    static Path image;

    @BeforeAll
    static void find() {
        TestGuests.assumeKvm();
        image = locate().orElse(null);
        Assumptions.assumeTrue(image != null, RELATIVE + " not built (make -C legion-hrt-port/hrt all)");
    }

    static Optional<Path> locate() {
        String root = System.getProperty("legionhrt.root");
        Path[] candidates = {
            root == null ? null : Path.of(root).resolve(RELATIVE),
            Path.of(RELATIVE),
            Path.of("..").resolve(RELATIVE),
        };
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void runtimeCTestsPassInsideTheHrt(int cores) {
        List<String> lines = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        int code;
        try (Hvm h = Hvm.builder().cores(cores).memory(256L << 20).cmdline("tests=lhrt_quick")
                .awaitReady(false).console(lines::add).boot(image)) {
            code = h.awaitExit(Duration.ofSeconds(300));
        }
        LOG.info("runtime C tests in the HRT on {} vCPU(s): {} ms", cores, (System.nanoTime() - t0) / 1_000_000);
        List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ") || l.contains(" FAIL ")).toList();
        String summary = lines.stream().filter(l -> l.matches("\\d+ passed, \\d+ failed")).reduce((a, b) -> b)
                .orElse("no summary line from the runtime's tests");
        assertThat(failures).as("failed runtime tests").isEmpty();
        assertThat(summary).matches("[1-9]\\d* passed, 0 failed");
        assertThat(lines).anyMatch(l -> l.startsWith("TEST lhrt_quick PASS"));
        assertThat(code).as("kernel exit code").isZero();
    }

    /** The runtime's benchmark runs in the HRT (tiny sizes here) and names itself lhrt-hrt. */
    @Test
    void benchmarkPrintsJsonLinesAsLhrtHrt() {
        List<String> lines = new CopyOnWriteArrayList<>();
        int code;
        try (Hvm h = Hvm.builder().cores(1).memory(128L << 20).cmdline("tests=lhrt_bench lhrt_args=--n,200,--reps,2")
                .awaitReady(false).console(lines::add).boot(image)) {
            code = h.awaitExit(Duration.ofSeconds(120));
        }
        List<String> json = lines.stream().filter(l -> l.startsWith("{\"bench\":")).toList();
        assertThat(json).hasSizeGreaterThanOrEqualTo(3).allMatch(l -> l.contains("\"impl\":\"lhrt-hrt\""));
        assertThat(json).anyMatch(l -> l.contains("\"bench\":\"index_launch_empty\""));
        assertThat(code).isZero();
    }

    /** Call ids and frame offsets of lhrt_hrt_call.h. */
    static final int FN_LOOKUP = 16;
    static final int FN_CALL = 17;
    static final int FN_CALL_ASYNC = 18;
    static final int FN_INFO = 19;
    static final int F_STATUS = 1;
    static final int JVM_TASK_HANDLER = 21;
    static final VarHandle DONE = JAVA_INT.varHandle();

    /** One frame in the merged region, and the calls made through it. */
    record Caller(Hvm h, MemorySegment m, long frame, long scratch) {
        long lookup(String name) {
            byte[] b = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment s = m.asSlice(scratch - m.address(), b.length + 1);
            s.copyFrom(MemorySegment.ofArray(b));
            s.set(JAVA_BYTE, b.length, (byte) 0);
            long fn = h.call(FN_LOOKUP, s.address());
            assertThat(fn).as("HRT address of %s", name).isNotZero();
            return fn;
        }

        private MemorySegment fill(String name, long... gprs) {
            MemorySegment f = m.asSlice(frame - m.address(), 0x2a8);
            f.fill((byte) 0);
            f.set(JAVA_LONG, 0x00, lookup(name));
            f.set(JAVA_INT, 0x0c, F_STATUS);
            for (int i = 0; i < gprs.length; i++) {        // integer words: 6 registers, then the stack
                f.set(JAVA_LONG, i < 6 ? 0x10 + 8L * i : 0xa8 + 8L * (i - 6), gprs[i]);
            }
            f.set(JAVA_INT, 0x08, Math.max(0, gprs.length - 6));
            return f;
        }

        /** Calls a short function that returns nothing. */
        void callVoid(String name, long... gprs) {
            MemorySegment f = fill(name, gprs);
            f.set(JAVA_INT, 0x0c, 0);
            h.call(FN_CALL, f.address());
        }

        /** Calls a short lhrt_* function; {@return its status}. */
        int call(String name, long... gprs) {
            MemorySegment f = fill(name, gprs);
            int st = (int) h.call(FN_CALL, f.address());
            assertThat(st).as("%s: %s", name, err(f)).isZero();
            return st;
        }

        /** Calls a blocking lhrt_* function on its own HRT thread and polls the frame. */
        int callAsync(String name, long... gprs) {
            MemorySegment f = fill(name, gprs);
            h.call(FN_CALL_ASYNC, f.address());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((int) DONE.getVolatile(f, 0xa0L) == 0) {
                assertThat(System.nanoTime()).as("%s did not finish", name).isLessThan(deadline);
                Thread.onSpinWait();
            }
            int st = (int) f.get(JAVA_LONG, 0x80);
            assertThat(st).as("%s: %s", name, err(f)).isZero();
            return st;
        }

        static String err(MemorySegment f) {
            return f.asSlice(0x1a8, 256).getString(0);
        }
    }

    @Test
    void javaDrivesTheRuntimeThroughTheCallServerZeroCopy() {
        BlockingQueue<Long> jvmTasks = new LinkedBlockingQueue<>();
        try (Hvm h = Hvm.builder().cores(2).memory(128L << 20).merged(8L << 20).cmdline("tests=lhrt_serve")
                .handler(JVM_TASK_HANDLER, a -> {
                    jvmTasks.add(a[0]);
                    return 0;
                }).boot(image)) {
            MemorySegment m = h.merged();
            long base = m.address();
            Caller c = new Caller(h, m, base, base + 0x1000);
            long cfg = base + 0x2000, out = base + 0x2100, args = base + 0x2200, data = base + 0x10000;
            assertThat(h.call(FN_INFO, 1)).isEqualTo(2);
            assertThat(h.call(FN_INFO, 0)).as("runtime CPUs: all but the server's").isEqualTo(1);
            c.callVoid("lhrt_config_init", cfg);
            c.call("lhrt_runtime_create", cfg, out);
            long rt = m.get(JAVA_LONG, out - base);
            c.call("lhrt_runtime_get_worker_count", rt, out);
            assertThat(m.get(JAVA_INT, out - base)).isEqualTo(1);
            c.call("lhrt_runtime_get_top_context", rt, out);
            long top = m.get(JAVA_LONG, out - base);
            long name = base + 0x3000, sym = base + 0x3100;
            m.setString(name - base, "demo");
            m.setString(sym - base, "lhrt_hrt_demo_fill");
            c.call("lhrt_task_register_native_symbol", rt, 5, name, 0, sym, 0);
            int n = 1000;
            m.set(JAVA_LONG, args - base, data);
            m.set(JAVA_LONG, args - base + 8, n);
            m.set(JAVA_LONG, args - base + 16, 7);
            c.call("lhrt_task_launcher_create", rt, 5, args, 24, out);
            long launcher = m.get(JAVA_LONG, out - base);
            c.call("lhrt_task_launcher_execute", top, launcher, out);
            long future = m.get(JAVA_LONG, out - base);
            c.callAsync("lhrt_future_get_value", future, out, 8, 0);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                long v = m.getAtIndex(JAVA_LONG, (data - base) / 8 + i);
                assertThat(v).as("value %d written by the HRT task", i).isEqualTo(7L + (long) i * i);
                sum += v;
            }
            assertThat(m.get(JAVA_LONG, out - base)).as("the task's result").isEqualTo(sum);
            c.call("lhrt_future_destroy", future);
            c.call("lhrt_task_launcher_destroy", launcher);
            regionInstanceInMergedArena(c, rt, top, base + (4L << 20), 2L << 20);
            jvmVariantRunsInJava(c, rt, top, jvmTasks);
            c.callAsync("lhrt_runtime_destroy", rt);
            assertThat(h.call(HrtFunctions.STOP)).isZero();
            assertThat(h.awaitExit(Duration.ofSeconds(20))).isZero();
        }
    }

    /** A 1-D int64 region whose instance the runtime puts in [arena, +size); an HRT task fills it. */
    private static void regionInstanceInMergedArena(Caller c, long rt, long top, long arena, long size) {
        MemorySegment m = c.m();
        long base = m.address(), out = base + 0x2100, out2 = base + 0x2180, rect = base + 0x4000, args = base + 0x4100;
        long acc = base + 0x4200, fields = base + 0x4300, sym = base + 0x4400, name = base + 0x4500;
        c.call("lhrt_memory_create_from_arena", rt, arena, size, out);
        long mem = m.get(JAVA_LONG, out - base);
        MemorySegment r = m.asSlice(rect - base, 56).fill((byte) 0);
        r.set(JAVA_INT, 0, 1);
        r.set(JAVA_LONG, 8 + 24, 99);                      // lo = (0), hi = (99)
        c.call("lhrt_index_space_create_rects", rt, 1, rect, 1, out);
        long is = m.get(JAVA_LONG, out - base);
        c.call("lhrt_field_space_create", rt, out);
        long fs = m.get(JAVA_LONG, out - base);
        c.call("lhrt_field_space_allocate_field", fs, 8, 0, out);
        c.call("lhrt_region_create", rt, is, fs, out);
        long region = m.get(JAVA_LONG, out - base);
        c.call("lhrt_region_set_layout", region, 0, mem);
        m.setString(sym - base, "lhrt_hrt_demo_region_fill");
        m.setString(name - base, "region_fill");
        c.call("lhrt_task_register_native_symbol", rt, 6, name, 0, sym, 0);
        m.set(JAVA_LONG, args - base, 1000);
        c.call("lhrt_task_launcher_create", rt, 6, args, 8, out);
        long launcher = m.get(JAVA_LONG, out - base);
        c.call("lhrt_task_launcher_add_region", launcher, region, region, 2, 0, 0, out2);
        c.call("lhrt_task_launcher_add_field", launcher, m.get(JAVA_INT, out2 - base), 0);
        c.call("lhrt_task_launcher_execute", top, launcher, out);
        long future = m.get(JAVA_LONG, out - base);
        c.callAsync("lhrt_future_get_value", future, out, 8, 0);
        assertThat(m.get(JAVA_LONG, out - base)).as("points written").isEqualTo(100);
        m.set(JAVA_INT, fields - base, 0);
        c.callAsync("lhrt_region_map", top, region, region, 1, fields, 1, out);
        long mapping = m.get(JAVA_LONG, out - base);
        c.call("lhrt_mapping_get_accessor", mapping, 0, acc);
        long data = m.get(JAVA_LONG, acc - base), stride = m.get(JAVA_LONG, acc - base + 8);
        assertThat(data).as("instance address").isBetween(arena, arena + size - 800);
        for (int i = 0; i < 100; i++) {
            assertThat(m.get(JAVA_LONG, data - base + i * stride)).as("x[%d] as the HRT task wrote it", i)
                    .isEqualTo(1000L + 3L * i);
        }
        c.call("lhrt_mapping_unmap", mapping);
        c.call("lhrt_future_destroy", future);
        c.call("lhrt_task_launcher_destroy", launcher);
    }

    /** A JVM variant: the HRT's executor proxy hands the task to Java, which completes it. */
    private static void jvmVariantRunsInJava(Caller c, long rt, long top, BlockingQueue<Long> jvmTasks) {
        MemorySegment m = c.m();
        long base = m.address(), out = base + 0x2100, name = base + 0x4600, value = base + 0x4700;
        c.call("lhrt_runtime_set_external_executor", rt, c.lookup("lhrt_hrt_external"), JVM_TASK_HANDLER);
        m.setString(name - base, "java_task");
        c.call("lhrt_task_register", rt, 7, name, 2, c.lookup("lhrt_hrt_jvm_variant"), 0);
        c.call("lhrt_task_launcher_create", rt, 7, 0, 0, out);
        long launcher = m.get(JAVA_LONG, out - base);
        c.call("lhrt_task_launcher_execute", top, launcher, out);
        long future = m.get(JAVA_LONG, out - base);
        Long task;
        try {
            task = jvmTasks.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(task).as("the HRT handed the JVM task to Java").isNotNull();
        m.set(JAVA_LONG, value - base, 4242);
        c.call("lhrt_task_complete", task, value, 8);
        c.callAsync("lhrt_future_get_value", future, out, 8, 0);
        assertThat(m.get(JAVA_LONG, out - base)).as("the Java task's result").isEqualTo(4242);
        c.call("lhrt_future_destroy", future);
        c.call("lhrt_task_launcher_destroy", launcher);
    }
}
