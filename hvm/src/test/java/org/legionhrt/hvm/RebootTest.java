/*
 * Rebooting the HRT alone: the VM, its vCPUs and the merged region stay; guest RAM is
 * cleared and the kernel (the same or another image) starts again, also after a crash.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

class RebootTest {
    @BeforeAll
    static void kvm() {
        TestGuests.assumeKvm();
    }

    @Test
    void rebootKeepsTheMergedRegionAndServesAgain() throws Exception {
        byte[] server = Files.readAllBytes(TestGuests.guest("callserver"));
        try (Hvm h = Hvm.builder().cores(2).memory(32L << 20).merged(2L << 20).boot(server, "callserver")) {
            h.merged().setAtIndex(JAVA_LONG, 0, 1234);
            assertThat(h.call(1, 5)).isEqualTo(5);
            for (int i = 0; i < 20; i++) {
                h.reboot();
                assertThat(h.bootNanos()).isPositive();
                assertThat(h.call(1, i)).isEqualTo(i);
                assertThat(h.call(3, h.merged().address(), 1)).isEqualTo(1234);
            }
        }
    }

    @Test
    void rebootAfterACrashRunsANewImage() throws Exception {
        try (Hvm h = Hvm.builder().memory(32L << 20).awaitReady(false).boot(TestGuests.guest("fault"))) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10))).isInstanceOf(HvmException.class);
            h.reboot(Files.readAllBytes(TestGuests.guest("exit7")), "exit7");
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(7);
            h.reboot();
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10))).isInstanceOf(HvmException.class);
        }
    }

    /**
     * A call waiting when the HRT reboots ends CLOSED, and the rebooted HRT serves: the reboot
     * clears the ring under the waiting caller, which must not take the cleared word for the
     * guest's garbage (a protocol failure that would stop the new kernel's vCPUs).
     */
    @Test
    void aCallWaitingThroughARebootEndsClosedAndTheNewKernelServes() throws Exception {
        byte[] server = Files.readAllBytes(TestGuests.guest("callserver"));
        byte[] silent = Files.readAllBytes(TestGuests.guest("garbage"));     // no command: spins, never answers
        for (int i = 0; i < 30; i++) {
            try (Hvm h = Hvm.builder().memory(32L << 20).awaitReady(false).boot(silent, "silent")) {
                java.util.concurrent.CompletableFuture<Long> waiting = h.callAsync(HrtFunctions.ECHO, 1);
                java.util.concurrent.locks.LockSupport.parkNanos(i * 20_000L);   // through its spin, yield and park phases
                h.reboot(server, "callserver");
                assertThatThrownBy(waiting::join).hasCauseInstanceOf(HvmException.class)
                        .satisfies(e -> assertThat(((HvmException) e.getCause()).kind()).isEqualTo(HvmException.Kind.CLOSED));
                assertThat(h.call(HrtFunctions.ECHO, 3)).isEqualTo(3);
                h.checkAlive();
            }
        }
    }
}
