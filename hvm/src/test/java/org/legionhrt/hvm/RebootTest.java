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

    /**
     * A ROS handler still running when the HRT reboots (longer than the 2 s the reboot waits for
     * it) must not store its answer into the new kernel's request ring: that put a DONE in a slot
     * the new kernel had not posted, and its first request there was never served.
     */
    @Test
    void aSlowHandlerThroughARebootLeavesTheNewRequestRingAlone() throws Exception {
        byte[] server = Files.readAllBytes(TestGuests.guest("callserver"));
        java.util.concurrent.CountDownLatch inHandler = new java.util.concurrent.CountDownLatch(1);
        Hvm.Builder b = Hvm.builder().memory(32L << 20).awaitReady(false).cmdline("reqslow")
                .callTimeout(Duration.ofSeconds(10))
                .handler(1, a -> {
                    if (a[0] == 111) {
                        inHandler.countDown();
                        long until = System.nanoTime() + 3_000_000_000L;     // the reboot's unpark must not cut it short
                        while (System.nanoTime() - until < 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
                        }
                        return 111;
                    }
                    return a[0] + 1;
                });
        try (Hvm h = b.boot(TestGuests.guest("garbage"))) {
            assertThat(inHandler.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            h.reboot(server, "callserver");
            Thread.sleep(1500);                               // the old handler returns meanwhile
            assertThat(h.call(4, 1, 41)).isEqualTo(42);       // callserver's fn 4: ROS handler 1 through the ring
            h.checkAlive();
        }
    }
}
