/*
 * The log-ring reader against head and tail words the guest garbled: it copies at most the
 * ring's size from inside the ring, never throws, and reads what the kernel writes after it
 * (no KVM: the ring is plain memory here).
 */
package org.legionhrt.hvm.devices;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogRingReaderTest {
    private static final long SIZE = 4096;

    /** Appends {@code s} as the kernel does: bytes at head, then head moves. */
    private static void write(MemorySegment ring, String s) {
        long head = ring.get(JAVA_LONG, 0);
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            ring.set(JAVA_BYTE, 32 + (head & (SIZE - 1)), c);
            head++;
        }
        ring.set(JAVA_LONG, 0, head);
    }

    private static long word(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    @ParameterizedTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)     // 2^63 used to spin for good
    @CsvSource({
        "0x7fffffffffffffff, 0x8000000000000000",   // head - tail = -1
        "0x4000000000000000, 0xc000000000000000",   // head - tail = 2^63: a zero-byte chunk, forever
        "0, 100",                                    // head moved back behind tail
        "0xffffffffffffffff, 0",                     // head - tail = -1 again, from the other side
        "1000000, 0",                                // far ahead: only the last ring's worth
    })
    void garbledHeadAndTailNeitherThrowNorStopTheReading(String head, String tail) {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ring = a.allocate(32 + SIZE, 8);
            ring.set(JAVA_LONG, 0, word(head));
            ring.set(JAVA_LONG, 8, word(tail));
            LogRingReader r = new LogRingReader(ring, SIZE, new Console(lines::add));
            assertThat(r.drain()).isBetween(0L, SIZE);
            assertThat(r.drain()).isZero();
            write(ring, "\nafter the garbage\n");
            assertThat(r.drain()).isEqualTo(19);
            assertThat(lines).endsWith("after the garbage");
        }
    }
}
