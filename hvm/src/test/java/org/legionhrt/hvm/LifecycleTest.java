/*
 * Boot/teardown cycles leak nothing: after 200 boots of a small guest the process has the
 * same number of open fds, and a closed HVM refuses calls with a clear message.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    @BeforeAll
    static void kvm() {
        TestGuests.assumeKvm();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).size();
    }

    @Test
    void twoHundredBootsLeakNoFdsOrMappings() throws Exception {
        Path g = TestGuests.guest("exit7");
        for (int i = 0; i < 5; i++) {             // warm up: JIT, thread pools, lazy classes
            try (Hvm h = Hvm.builder().cores(2).memory(32L << 20).merged(2L << 20).awaitReady(false).boot(g)) {
                h.awaitExit(Duration.ofSeconds(10));
            }
        }
        long fds = openFds();
        long maps = mappings();
        for (int i = 0; i < 200; i++) {
            try (Hvm h = Hvm.builder().cores(2).memory(32L << 20).merged(2L << 20).awaitReady(false).boot(g)) {
                assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(7);
            }
        }
        assertThat(openFds()).isEqualTo(fds);
        // A leak would add at least 2 mappings per boot (RAM, kvm_run): 400. The slack is for
        // the JVM itself (code cache, a few more pooled vCPU thread stacks).
        assertThat(mappings()).isLessThanOrEqualTo(maps + 64);
    }

    @Test
    void callAfterShutdownIsRefused() {
        Hvm h = Hvm.builder().memory(32L << 20).boot(TestGuests.guest("callserver"));
        assertThat(h.call(1, 3)).isEqualTo(3);
        h.close();
        assertThatThrownBy(() -> h.call(1, 3)).isInstanceOf(HvmException.class).hasMessageContaining("after shutdown");
    }
}
