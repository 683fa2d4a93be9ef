/*
 * The real aerokernel in the HVM, deprivileged profile: every kernel self-test passes on 1
 * and 2 vCPUs, and the kernel's call server answers the built-in functions (null, echo,
 * fill/sum over the merged region, spawn-and-join, HRT->ROS both ways).
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

class NautilusHvmTest {
    static Path image;

    @BeforeAll
    static void find() {
        TestGuests.assumeKvm();
        image = NautilusImage.find().orElse(null);
        Assumptions.assumeTrue(image != null, "nautilus-depriv.elf not built (make -C nautilus all)");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void allKernelSelfTestsPass(int cores) {
        List<String> lines = new CopyOnWriteArrayList<>();
        int code;
        try (Hvm h = Hvm.builder().cores(cores).memory(256L << 20).awaitReady(false).console(lines::add).boot(image)) {
            code = h.awaitExit(Duration.ofSeconds(120));
        }
        String summary = lines.stream().filter(l -> l.matches(".*\\d+ passed, \\d+ failed.*")).reduce((a, b) -> b).orElse("none");
        assertThat(lines.stream().filter(l -> l.contains(" FAIL "))).isEmpty();
        assertThat(summary).contains(" 0 failed");
        assertThat(code).isZero();
    }

    /** The deprivileged profile's promise, checked on the binary: no privileged instruction. */
    @Test
    void deprivImageHasNoPrivilegedInstruction() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("objdump", "-d", "--no-show-raw-insn", image.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("objdump not installed: " + e.getMessage());
            return;
        }
        java.util.regex.Pattern privileged = java.util.regex.Pattern.compile(
                "\\s(cli|sti|hlt|lgdt|lidt|lldt|ltr|wrmsr|rdmsr|iretq?|swapgs|sysretq?|invlpg|lmsw|clts|wbinvd|xsetbv|int3|int)\\b|%cr[0-8]|%dr[0-7]");
        List<String> hits;
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            hits = r.lines().filter(l -> privileged.matcher(l).find()).limit(10).toList();
        }
        assertThat(p.waitFor()).isZero();
        assertThat(hits).as("privileged instructions in %s", image).isEmpty();
    }

    @Test
    void kernelPanicEndsTheVmWithTheMessage() {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).cmdline("tests=crash_panic").awaitReady(false).boot(image)) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(30))).isInstanceOf(HvmException.class)
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PANIC))
                    .hasMessageContaining("deliberate panic");
        }
    }

    @Test
    void kernelFaultIsReportedWithTheFaultingState() {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).cmdline("tests=crash_page_fault").awaitReady(false).boot(image)) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(30))).isInstanceOf(HvmException.class)
                    .satisfies(e -> {
                        HvmException x = (HvmException) e;
                        assertThat(x.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
                        assertThat(x.state()).isPresent();
                        assertThat(x.state().get().cr2()).isEqualTo(0x7fff00000000L);
                        assertThat(x.reason()).contains("rip in nk_test_fn_crash_page_fault+0x");
                        assertThat(x.console()).anyMatch(l -> l.contains("crash_page_fault") || l.contains("tests:"));
                    });
        }
        try (Hvm h = Hvm.builder().memory(64L << 20).cmdline("tests=depriv_cpl3").awaitReady(false).boot(image)) {
            assertThat(h.awaitExit(Duration.ofSeconds(30))).isZero();     // and the JVM boots again
        }
    }

    @ParameterizedTest
    @CsvSource({"crash_null_read, 0x10", "crash_null_write, 0x0"})
    void kernelNullDereferenceIsAPageFaultAtItsAddress(String test, String address) {
        long at = Long.decode(address);
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).cmdline("tests=" + test).awaitReady(false).boot(image)) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(30))).isInstanceOf(HvmException.class)
                    .satisfies(e -> {
                        HvmException x = (HvmException) e;
                        assertThat(x.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
                        assertThat(x.state()).isPresent();
                        assertThat(x.state().get().cr2()).isEqualTo(at);
                        assertThat(x.reason()).contains(String.format("page fault at %#x (a NULL pointer", at))
                                .contains("rip in nk_test_fn_" + test + "+0x");
                    });
        }
    }

    /** A write below a guarded stack faults in its guard page, and the report says so. */
    @Test
    void aStackOverflowFaultsInTheGuardPageBelowIt() {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).cmdline("tests=crash_stack_guard").awaitReady(false).boot(image)) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(30))).isInstanceOf(HvmException.class)
                    .satisfies(e -> {
                        HvmException x = (HvmException) e;
                        assertThat(x.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
                        assertThat(x.reason()).containsPattern("page fault at 0x[0-9a-f]+ff8 \\(the guard page below "
                                + "guarded stack 0: a thread overflowed its 1024 KiB stack\\)")
                                .contains("rip in nk_test_fn_crash_stack_guard+0x");
                    });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void manyJavaThreadsCallServersOnOneOrTwoCpus(int servers) throws Exception {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20)
                .cmdline(HrtFunctions.SERVE_CMDLINE + " hvm_servers=" + servers).boot(image)) {
            java.util.concurrent.atomic.AtomicLong wrong = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> ts = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long base = (long) t << 32;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (long i = 0; i < 5000; i++) {
                        if (h.call(HrtFunctions.ECHO, base + i) != base + i) {
                            wrong.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(wrong.get()).isZero();
            Thread.sleep(30);                              // servers doze after 1 ms idle
            assertThat(h.call(HrtFunctions.SPAWN_JOIN, 500)).isEqualTo(500);
            assertThat(h.call(HrtFunctions.STOP)).isZero();
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }

    @Test
    void callServerAnswersTheBuiltins() {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).merged(4L << 20).cmdline("tests=hvm_serve")
                .handler(9, a -> a[0] + 1).boot(image)) {
            assertThat(h.call(HrtFunctions.NULL)).isZero();
            assertThat(h.call(HrtFunctions.ECHO, 77)).isEqualTo(77);
            MemorySegment m = h.merged();
            assertThat(h.call(HrtFunctions.FILL, m.address(), 100, 5)).isEqualTo(100);
            assertThat(m.getAtIndex(JAVA_LONG, 99)).isEqualTo(104);
            assertThat(h.call(HrtFunctions.SUM, m.address(), 100)).isEqualTo(100 * 5 + 99 * 100 / 2);
            assertThat(h.call(HrtFunctions.SPAWN_JOIN, 16)).isEqualTo(16);
            assertThat(h.call(HrtFunctions.ROS_RING, 9, 41)).isEqualTo(42);
            assertThat(h.call(HrtFunctions.ROS_EXIT, 9, 1)).isEqualTo(2);
            assertThat(h.callExit(HrtFunctions.ECHO, 5)).isEqualTo(5);
            assertThat(h.call(HrtFunctions.STOP)).isZero();
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }

    /**
     * Posted calls: nobody waits, the server frees each slot itself (1000 of them wrap the
     * 256-slot ring several times), and a call after them runs after all of them (ring order).
     */
    @Test
    void postedCallsRunInRingOrderAndFreeTheirSlots() {
        try (Hvm h = Hvm.builder().cores(2).memory(64L << 20).merged(4L << 20).cmdline("tests=hvm_serve").boot(image)) {
            MemorySegment m = h.merged();
            int n = 1000;
            for (int i = 0; i < n; i++) {
                h.post(HrtFunctions.FILL, m.address() + 8L * i, 1, 3L * i);
            }
            assertThat(h.call(HrtFunctions.SUM, m.address(), n)).isEqualTo(3L * (n - 1) * n / 2);
            assertThat(h.call(HrtFunctions.STOP)).isZero();
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }
}
