/*
 * A guest that writes garbage where the VMM reads what it wrote (the log ring, the ready word,
 * the CPU labels, the call ring's sequence numbers, odd values to its ports): each ends in a
 * clear HvmException saying what the guest broke, or is ignored, and never in an exception of
 * another type, a dead VMM thread or a caller waiting out its timeout. Guest: garbage.c.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GuestGarbageTest {
    @BeforeAll
    static void kvm() {
        TestGuests.assumeKvm();
    }

    private static Hvm.Builder builder(String mode) {
        return Hvm.builder().memory(32L << 20).awaitReady(false).cmdline(mode);
    }

    private static Hvm boot(Hvm.Builder b) {
        return b.boot(TestGuests.guest("garbage"));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aGarbledLogRingDoesNotHideTheGuestsPanic() {
        try (Hvm h = boot(builder("logring-panic"))) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10)))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("gave up after garbling the log ring")
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PANIC));
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aGarbledLogRingDoesNotHideTheExitCode() {
        try (Hvm h = boot(builder("logring-exit"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(5);
        }
    }

    /** The guest's head - tail was 2^63: the reader spun on zero-byte chunks, holding its lock for good. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLogRingWhoseLengthWrapsDoesNotHangTheVmm() {
        try (Hvm h = boot(builder("logring-wrap"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(6);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void moreCpusReadyThanTheVmHasIsAProtocolError() {
        assertThatThrownBy(() -> boot(builder("ready").awaitReady(true)))
                .isInstanceOf(HvmException.class)
                .hasMessageContaining("1000 CPUs ready")
                .hasMessageContaining("1 vCPU")
                .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PROTOCOL));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void oddValuesOnTheKnownPortsAreIgnored() {
        try (Hvm h = boot(builder("ports").cores(2))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(9);
            assertThat(h.console()).contains("hypercall: no function");
        }
    }

    /**
     * Requests for no handler, and for handlers that throw (an exception, an Error such as the
     * OutOfMemoryError a guest's size argument can cause), through the ring and the exit: each
     * answered with a status. An Error used to end the ring's Java thread, and the guest waited
     * for its answer for good.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void requestsNoHandlerCanServeAreAnsweredWithAStatus() {
        Hvm.Builder b = builder("requests")
                .handler(1, a -> a[0] + a[1])
                .handler(2, a -> {
                    throw new IllegalArgumentException("no such thing");
                })
                .handler(3, a -> {
                    throw new OutOfMemoryError("the guest asked for " + a[0] + " bytes");
                });
        try (Hvm h = boot(b)) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(h.console()).containsSubsequence("ring, no handler: no function", "ring, adder: ok",
                    "ring, exception: failed", "ring, error: failed", "ring, adder again: ok", "exit, error: failed");
        }
    }

    /** 600 bad requests logged 600 WARN lines: the guest decided how much the log got. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void badRequestsInALoopDoNotFloodTheLog() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Hvm h = boot(builder("request-loop").handler(2, a -> {
            throw new IllegalStateException("always");
        }))) {
            assertThat(h.awaitExit(Duration.ofSeconds(20))).isZero();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        // 3 per unregistered id (3 of them) and 3 for the failing handler
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("RequestRing")).count())
                .as("WARN lines of RequestRing in:%n%s", log.substring(0, Math.min(log.length(), 2000)))
                .isBetween(4L, 12L);
    }

    /** The ROS thread waited for that slot for good, and so for every later request. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRequestSlotTheGuestDirtiedStopsTheHvmAtOnce() {
        try (Hvm h = boot(builder("reqseq").handler(1, a -> 0))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10)))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("request slot 0")
                    .hasMessageContaining("0xdead0005")
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PROTOCOL));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLabelOfGarbageIsReportedWithoutForgingLines() {
        try (Hvm h = boot(builder("label"))) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10)))
                    .isInstanceOf(HvmException.class)
                    .satisfies(e -> {
                        HvmException x = (HvmException) e;
                        assertThat(x.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
                        assertThat(x.reason()).contains("; CPU 0 was running ")
                                .doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b");
                    });
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPanicMessageCannotForgeLinesOfTheReport() {
        try (Hvm h = boot(builder("panic-forge"))) {
            assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10)))
                    .isInstanceOf(HvmException.class)
                    .satisfies(e -> {
                        HvmException x = (HvmException) e;
                        assertThat(x.kind()).isEqualTo(HvmException.Kind.PANIC);
                        assertThat(x.reason()).contains("real reason?  vCPU 1: rip=0x0 (a forged line)?[2J")
                                .doesNotContain("\n").doesNotContain("\u001b");
                    });
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAnswerWithABogusSequenceNumberFailsTheCallAtOnce() {
        try (Hvm h = boot(builder("callseq").callTimeout(Duration.ofSeconds(20)))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> h.call(HrtFunctions.NULL))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("call slot 0")
                    .hasMessageContaining("0xdead0003")
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PROTOCOL));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(h::checkAlive).hasMessageContaining("call slot 0");
        }
    }

    /** A status no server gives is the call's failure, named with the status; the HVM lives on. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAnswerWithAStatusOfGarbageFailsThatCallOnly() {
        try (Hvm h = boot(builder("callstatus"))) {
            assertThatThrownBy(() -> h.call(HrtFunctions.NULL))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("HRT function 0 failed with status " + 0xdeadbeef);
            h.checkAlive();
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFreeSlotTheGuestDirtiedFailsTheCallAtOnce() {
        try (Hvm h = boot(builder("callfree").callTimeout(Duration.ofSeconds(20)))) {
            assertThat(h.call(HrtFunctions.NULL)).isEqualTo(7);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> h.call(HrtFunctions.NULL))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("call slot 1")
                    .hasMessageContaining("0x40000")
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.PROTOCOL));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
