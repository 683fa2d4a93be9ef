/*
 * Sizes the builder refuses before anything is mapped or KVM is opened: these tests need no
 * /dev/kvm and no guest image (validation comes first).
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuilderSizesTest {

    /** Tables for 1 TiB cannot fit: said at once in the CLI's flags (it took 23 s and named no size). */
    @Test
    void memoryWhosePageTablesCannotFitIsRefusedUpFront() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Hvm.builder().profile(Hvm.Profile.DEPRIVILEGED).memory(1L << 40).merged(1536L << 30)
                .boot(new byte[0], "unread"))
                .isInstanceOf(HvmException.class)
                .hasMessageContaining("--mem 1024G and --merged 1536G")
                .hasMessageContaining("lower --mem or --merged");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to refuse").isLessThan(2000);
    }
}
