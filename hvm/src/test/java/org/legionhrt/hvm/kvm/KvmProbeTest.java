/*
 * Kvm.probe() on this host: it never throws, and when /dev/kvm is usable it reports API 12
 * and a known ring-0 mode; the rest of the suite skips on the same condition.
 */
package org.legionhrt.hvm.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class KvmProbeTest {
    @Test
    void probeNeverThrowsAndExplainsProblems() {
        KvmProbe p = Kvm.probe();
        assertThat(p.ring0Mode()).isIn(KvmProbe.HARDWARE, KvmProbe.EMULATED, KvmProbe.UNKNOWN);
        if (p.usable()) {
            assertThat(p.problem()).isNull();
        } else {
            assertThat(p.problem()).isNotBlank();
        }
    }

    @Test
    void usableKvmSpeaksApi12AndReportsLimits() {
        KvmProbe p = Kvm.probe();
        Assumptions.assumeTrue(p.usable(), () -> "/dev/kvm unusable: " + p.problem());
        assertThat(p.apiVersion()).isEqualTo(12);
        try (Kvm kvm = Kvm.open()) {
            assertThat(kvm.maxVcpus()).isGreaterThanOrEqualTo(1);
            assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(4096);
        }
    }

    @Test
    void pvmHostReportsEmulatedRing0() {
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/module/kvm_pvm")),
                "not a PVM host");
        assertThat(Kvm.probe().ring0Mode()).isEqualTo(KvmProbe.EMULATED);
    }
}
