/*
 * The VMM against small deliberately written guests: long mode at CPL3 from the first
 * instruction, COM1 output, the exit port, SMP with per-CPU GS bases, the FS block that
 * stack-protected code reads its canary from, and the merged region at the JVM's own addresses.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

class GuestBootTest {
    @BeforeAll
    static void kvm() {
        TestGuests.assumeKvm();
    }

    private static Hvm.Builder builder() {
        return Hvm.builder().memory(32L << 20).awaitReady(false);
    }

    @Test
    void serialGuestPrintsAndExitsZero() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = builder().cmdline("hello=1").console(lines::add).boot(TestGuests.guest("serial"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
        }
        assertThat(lines).containsExactly("hello from the guest at CPL3", "cmdline: hello=1");
    }

    @Test
    void exitPortCarriesTheCode() {
        try (Hvm h = builder().boot(TestGuests.guest("exit7"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(7);
        }
    }

    @Test
    void everyCpuStartsWithItsOwnGsBase() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = builder().cores(4).console(lines::add).boot(TestGuests.guest("smp"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
        }
        assertThat(lines).contains("all cpus up: 0x0000000000000004");
    }

    @Test
    void codeBuiltWithTheStackProtectorFindsItsCanaryThroughFs() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Hvm h = builder().console(lines::add).boot(TestGuests.guest("canary"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).as("canary guest's failed check").isZero();
        }
        assertThat(lines).contains(String.format("fs:0 0x%016x", org.legionhrt.hvm.boot.Layout.TCB));
    }

    @Test
    void mergedRegionIsSharedAtTheJvmsAddresses() {
        try (Hvm h = builder().merged(4L << 20).awaitReady(false).boot(TestGuests.guest("merged"))) {
            // The guest starts at once, so this races it only if we wrote after boot: write first.
            h.awaitExit(Duration.ofSeconds(10));
        }
    }

    @Test
    void zeroCopyRoundTrip() {
        Hvm.Builder b = builder().merged(4L << 20);
        try (Hvm h = b.boot(TestGuests.guest("merged"))) {
            h.awaitExit(Duration.ofSeconds(10));
            MemorySegment m = h.merged();
            assertThat(m.address() % (2L << 20)).isZero();
        }
    }
}
