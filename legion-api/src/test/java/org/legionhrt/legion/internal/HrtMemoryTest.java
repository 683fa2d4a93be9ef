package org.legionhrt.legion.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The merged region's bounds check, which guest-chosen addresses and sizes reach (callback arguments). */
class HrtMemoryTest {

    @Test
    void containsAcceptsExactlyTheRegionAndNoWrappedSum() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment region = a.allocate(1 << 16, 4096);
            HrtMemory m = new HrtMemory(region);
            long base = region.address(), end = base + region.byteSize();
            assertThat(m.contains(base, region.byteSize())).isTrue();
            assertThat(m.contains(end, 0)).isTrue();
            assertThat(m.contains(base + 8, 16)).isTrue();
            assertThat(m.contains(base, region.byteSize() + 1)).isFalse();
            assertThat(m.contains(base - 1, 1)).isFalse();
            assertThat(m.contains(end, 1)).isFalse();
            assertThat(m.contains(base, -1)).isFalse();
            assertThat(m.contains(base + 8, Long.MAX_VALUE)).as("address + size wraps negative").isFalse();
            assertThat(m.contains(Long.MAX_VALUE - 4, 8)).isFalse();
            assertThat(m.contains(Long.MIN_VALUE + 4, 8)).isFalse();
        }
    }
}
