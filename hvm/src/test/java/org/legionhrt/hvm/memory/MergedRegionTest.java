package org.legionhrt.hvm.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.legionhrt.hvm.HvmException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The merged region's mapping: alignment, size checks and its huge-page policy (no KVM needed). */
class MergedRegionTest {
    private static final long MIB2 = 2L << 20;

    @Test
    void isTwoMiBAlignedAndZero() {
        try (MergedRegion r = MergedRegion.create(2 * MIB2)) {
            assertThat(r.address() % MIB2).isZero();
            assertThat(r.size()).isEqualTo(2 * MIB2);
            assertThat(r.segment().address()).isEqualTo(r.address());
            assertThat(r.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 2 * MIB2 - 8)).isZero();
        }
    }

    @Test
    void rejectsSizesThatAreNotMultiplesOfTwoMiB() {
        assertThatThrownBy(() -> MergedRegion.create(MIB2 + 4096)).isInstanceOf(HvmException.class)
                .hasMessageContaining("multiple of 2 MiB");
        assertThatThrownBy(() -> MergedRegion.create(0)).isInstanceOf(HvmException.class);
    }

    /** By default the region is on 4 KiB pages; asked for, it is eligible for huge pages. */
    @Test
    void asksForHugePagesOnlyWhenTold() throws IOException {
        assumeTrue(thpMode().equals("madvise"), "needs transparent huge pages in madvise mode (here: " + thpMode() + ")");
        try (MergedRegion plain = MergedRegion.create(2 * MIB2); MergedRegion huge = MergedRegion.create(2 * MIB2, true)) {
            assertThat(thpEligible(plain.address())).isEqualTo("0");
            assertThat(thpEligible(huge.address())).isEqualTo("1");
        }
    }

    private static String thpMode() {
        try {
            String s = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int a = s.indexOf('['), b = s.indexOf(']');
            return a >= 0 && b > a ? s.substring(a + 1, b) : "unknown";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The THPeligible value of the mapping of this process that contains {@code address}. */
    private static String thpEligible(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String l : lines) {
            if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = l.substring(0, l.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && l.startsWith("THPeligible:")) {
                return l.substring("THPeligible:".length()).trim();
            }
        }
        throw new AssertionError("no mapping with THPeligible contains " + Long.toHexString(address));
    }
}
