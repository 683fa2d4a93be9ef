/*
 * The ring0 profile: the VMM as a multiboot2 loader boots nautilus-ring0.elf (the image QEMU
 * runs for ./hrt nautilus test); the kernel finds its CPUs in our ACPI MADT, starts them with
 * INIT-SIPI-SIPI through KVM's in-kernel APICs, runs the self-tests its command line names and
 * exits through port 0xf4. Where guest ring 0 is emulated (PVM) each kernel instruction costs
 * microseconds: a boot is about half a second here, so these tests pick quick self-tests; the
 * whole quick tier (about a minute here, buddy_random alone ~48 s) runs with -Dhvm.slow=true.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class Ring0BootTest {
    static Path image;

    @BeforeAll
    static void find() {
        TestGuests.assumeKvm();
        image = NautilusImage.findRing0().orElse(null);
        Assumptions.assumeTrue(image != null, "nautilus-ring0.elf not built (make -C nautilus all)");
    }

    private static Hvm.Builder ring0(int cores, String cmdline, List<String> lines) {
        return Hvm.builder().profile(Hvm.Profile.RING0).cores(cores).memory(64L << 20).cmdline(cmdline).console(lines::add);
    }

    @Test
    void oneVcpuBootsAsMultiboot2AndPassesASelfTest() {
        List<String> lines = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        int code;
        long ready;
        try (Hvm h = ring0(1, "tests=multiboot2_parse", lines).boot(image)) {
            ready = h.bootNanos();
            assertThat(h.profile()).isEqualTo(Hvm.Profile.RING0);
            code = h.awaitExit(Duration.ofSeconds(120));
        }
        System.out.printf("ring0, 1 vCPU: ready after %.0f ms, self-test done after %.0f ms%n", ready / 1e6, (System.nanoTime() - t0) / 1e6);
        assertThat(lines).anyMatch(l -> l.contains("profile ring0, loader multiboot2, cmdline 'tests=multiboot2_parse'"));
        assertThat(lines).anyMatch(l -> l.startsWith("TEST multiboot2_parse PASS"));
        assertThat(lines).contains("tests: 1 passed, 0 failed");
        assertThat(code).isZero();
    }

    @Test
    void secondVcpuStartsThroughTheMadtAndSipi() {
        List<String> lines = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (Hvm h = ring0(2, "tests=smp_online,ipi_wakes_idle_cpu", lines).merged(4L << 20).boot(image)) {
            assertThat(h.awaitExit(Duration.ofSeconds(120))).isZero();
            assertThatThrownBy(h::reboot).hasMessageContaining("deprivileged profile only");
        }
        System.out.printf("ring0, 2 vCPUs: two self-tests done after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(lines).anyMatch(l -> l.startsWith("nautilus: 2 CPUs online"));
        assertThat(lines).anyMatch(l -> l.startsWith("TEST smp_online PASS"));
        assertThat(lines).anyMatch(l -> l.startsWith("TEST ipi_wakes_idle_cpu PASS"));
    }

    /** The call ring in the ring0 profile: the same functions as in the deprivileged one, zero-copy on the merged region. */
    @Test
    void ring0KernelServesTheCallRingAndReachesTheMergedRegion() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = ring0(2, HrtFunctions.SERVE_CMDLINE, lines).merged(4L << 20).handler(1, a -> a[0] + 1).boot(image)) {
            assertThat(h.call(HrtFunctions.NULL)).isZero();
            assertThat(h.call(HrtFunctions.ECHO, 0x1234_5678_9abcL)).isEqualTo(0x1234_5678_9abcL);
            assertThat(h.callExit(HrtFunctions.ECHO, 77)).isEqualTo(77);
            java.lang.foreign.MemorySegment m = h.merged();
            assertThat(h.call(HrtFunctions.FILL, m.address() + 4096, 1000, 7)).isEqualTo(1000);
            for (int i = 0; i < 1000; i++) {
                assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_LONG, 4096 + 8L * i)).isEqualTo(7 + i);
                m.set(java.lang.foreign.ValueLayout.JAVA_LONG, 4096 + 8L * i, 3L * i);
            }
            assertThat(h.call(HrtFunctions.SUM, m.address() + 4096, 1000)).isEqualTo(3L * 999 * 1000 / 2);
            assertThat(h.call(HrtFunctions.SPAWN_JOIN, 6)).isEqualTo(6);
            assertThat(h.call(HrtFunctions.ROS_RING, 1, 41)).isEqualTo(42);
            assertThat(h.call(HrtFunctions.ROS_EXIT, 1, 99)).isEqualTo(100);
            // Idle beyond the spin (1 ms): the server parks, its CPU halts, and a call rings the
            // doorbell with an interrupt (faster than the 10 ms timer tick would wake it).
            long[] ns = new long[10];
            for (int i = 0; i < ns.length; i++) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                long t = System.nanoTime();
                assertThat(h.call(HrtFunctions.ECHO, i)).isEqualTo(i);
                ns[i] = System.nanoTime() - t;
            }
            java.util.Arrays.sort(ns);
            System.out.printf("ring0 call after a doze: median %.2f ms, max %.2f ms (%d doorbell interrupts)%n",
                    ns[ns.length / 2] / 1e6, ns[ns.length - 1] / 1e6, h.doorbellInterrupts());
            assertThat(h.doorbellInterrupts()).as("calls that found the server's CPU halted").isPositive();
            h.call(HrtFunctions.STOP);
            assertThat(h.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        assertThat(lines).anyMatch(l -> l.startsWith("hvm: communication area at"));
        assertThat(lines).anyMatch(l -> l.startsWith("hvm: 1 call server, first on CPU 0"));
    }

    @Test
    void ring0KernelPanicIsReportedWithTheMessageAndState() {
        try (Hvm h = ring0(1, "tests=crash_page_fault", new CopyOnWriteArrayList<>()).awaitReady(false).boot(image)) {
            assertThat(endsWith(h, 60, HvmException.Kind.PANIC)).hasMessageContaining("#PF page fault");
        }
    }

    @Test
    void imagesForTheWrongProfileOrWithoutMultiboot2AreRefused() throws Exception {
        byte[] ring0 = Files.readAllBytes(image);
        List<String> none = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> Hvm.builder().profile(Hvm.Profile.DEPRIVILEGED).memory(64L << 20).boot(image))
                .hasMessageContaining("--profile ring0");
        NautilusImage.find().ifPresent(depriv -> assertThatThrownBy(() -> ring0(1, "", none).boot(depriv))
                .hasMessageContaining("does not list the ring0 profile"));
        assertThatThrownBy(() -> ring0(1, "", none).memory(4L << 30).boot(image)).hasMessageContaining("at most 3072 MiB");

        int header = find(ring0, 0xE85250D6);
        byte[] required = ring0.clone();
        ByteBuffer b = ByteBuffer.wrap(required).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(header + 16) & 0xffff).as("the HRT tag comes first").isEqualTo(0x4854);
        b.putShort(header + 16, (short) 5).putShort(header + 18, (short) 0);    // a required framebuffer tag
        assertThatThrownBy(() -> ring0(1, "", none).boot(required, "fb")).hasMessageContaining("required header tag 5 (framebuffer)");

        byte[] noMb2 = ring0.clone();
        noMb2[header] = 0;
        assertThatThrownBy(() -> ring0(1, "", none).boot(noMb2, "nomb2")).isInstanceOf(HvmException.class)
                .hasMessageContaining("no multiboot2 header");
    }

    /** A flat multiboot2 kernel loaded by its address tag finds the promised machine state and its command line. */
    @Test
    void flatKernelIsLoadedByItsAddressTagAndEnteredByItsEntryTag() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = ring0(2, "hello ring0", lines).awaitReady(false).boot(TestGuests.flat())) {
            assertThat(h.awaitExit(Duration.ofSeconds(30))).as("exit 1 = a machine-state promise broken").isZero();
        }
        assertThat(lines).as("vCPU 1, never sent a SIPI, is stopped with the VM").containsExactly("hello ring0");
    }

    @Test
    void spinningRing0GuestTimesOutNamingTheVcpuThatNeverStarted() {
        try (Hvm h = ring0(2, "spin", new CopyOnWriteArrayList<>()).awaitReady(false).boot(TestGuests.flat())) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofMillis(500))).isInstanceOf(HvmException.class)
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.TIMEOUT))
                    .hasMessageContaining("vCPU 1").hasMessageContaining("never started");
        }
    }

    /** Only a ring0 guest can reach it: a deprivileged one's page tables are read-only to it. */
    @Test
    void accessToUnbackedMemoryIsAnUnexpectedExit() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = ring0(1, "mmio", lines).awaitReady(false).boot(TestGuests.flat())) {
            assertThat(endsWith(h, 30, HvmException.Kind.UNEXPECTED_EXIT))
                    .hasMessageContaining("unmapped guest-physical address 0xc800000");
        }
        assertThat(lines).contains("mmio");
    }

    @Test
    void ring0GuestFaultsAreContainedWithRegisters() {
        try (Hvm h = ring0(1, "triple", new CopyOnWriteArrayList<>()).awaitReady(false).boot(TestGuests.flat())) {
            HvmException x = endsWith(h, 30, HvmException.Kind.SHUTDOWN);
            assertThat(x.state().get().cr0() & 1).as("still in protected mode").isEqualTo(1);
            assertThat(x).hasMessageContaining("vCPU 0 triple-faulted");
        }
        try (Hvm h = ring0(1, "port", new CopyOnWriteArrayList<>()).awaitReady(false).boot(TestGuests.flat())) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(30))).isInstanceOf(HvmException.class)
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.UNEXPECTED_EXIT))
                    .hasMessageContaining("port 0x99");
        }
    }

    @Test
    void ring0BootsAndTeardownsLeakNoDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc/self/fd");
        for (int i = 0; i < 2; i++) {      // warm-up: pooled vCPU threads, the log poller
            bootTwoVcpus();
        }
        long before;
        try (var s = Files.list(fds)) {
            before = s.count();
        }
        for (int i = 0; i < 3; i++) {
            bootTwoVcpus();
        }
        try (var s = Files.list(fds)) {
            assertThat(s.count()).isLessThanOrEqualTo(before);
        }
    }

    /** {@return the failure {@code h} ends with within {@code seconds}: of {@code kind}, with the vCPU's state} */
    private static HvmException endsWith(Hvm h, int seconds, HvmException.Kind kind) {
        HvmException x = org.junit.jupiter.api.Assertions.assertThrows(HvmException.class,
                () -> h.awaitExit(Duration.ofSeconds(seconds)));
        assertThat(x.kind()).isEqualTo(kind);
        assertThat(x.state()).isPresent();
        return x;
    }

    private static void bootTwoVcpus() {
        try (Hvm h = ring0(2, "x", new CopyOnWriteArrayList<>()).awaitReady(false).boot(TestGuests.flat())) {
            assertThat(h.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    /** The quick tier of the kernel's self-tests, ring0 on 2 vCPUs: ~1 min here (buddy_random emulated), so opt-in. */
    @Test
    @EnabledIfSystemProperty(named = "hvm.slow", matches = "true")
    void quickTierPassesOnTwoVcpus() {
        System.out.println("Ring0BootTest.quickTierPassesOnTwoVcpus: slow test (-Dhvm.slow=true), about a minute where ring 0 is emulated");
        List<String> lines = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        int code;
        try (Hvm h = ring0(2, "tier=quick", lines).awaitReady(false).boot(image)) {
            code = h.awaitExit(Duration.ofSeconds(300));
        }
        System.out.printf("ring0, 2 vCPUs: quick tier done after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(lines.stream().filter(l -> l.contains(" FAIL "))).isEmpty();
        assertThat(lines).anyMatch(l -> l.matches("tests: \\d+ passed, 0 failed"));
        assertThat(code).isZero();
    }

    private static int find(byte[] image, int magic) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off + 4 <= Math.min(image.length, 32768); off += 8) {
            if (b.getInt(off) == magic) {
                return off;
            }
        }
        throw new AssertionError("no multiboot2 header in " + image);
    }
}
