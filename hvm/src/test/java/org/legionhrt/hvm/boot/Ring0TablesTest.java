/*
 * What the ring0 loader writes, checked byte by byte without KVM (so it runs on any CI
 * host): ACPI checksums and the MADT's CPUs, the multiboot2 information's tags, alignment,
 * memory map, command line and HRT tag.
 */
package org.legionhrt.hvm.boot;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.legionhrt.hvm.HvmException;

class Ring0TablesTest {
    private static MemorySegment ram(Arena a) {
        return a.allocate(Ring0Layout.BIOS_END, 4096);
    }

    private static int sum(MemorySegment m, long at, long len) {
        int s = 0;
        for (long i = 0; i < len; i++) {
            s += m.get(JAVA_BYTE, at + i);
        }
        return s & 0xff;
    }

    private static String ascii(MemorySegment m, long at, int len) {
        return new String(m.asSlice(at, len).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void acpiTablesHaveValidChecksumsAndOneLapicPerCpu() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = ram(a);
            long rsdp = AcpiTables.write(ram, 3);
            assertThat(rsdp % 16).isZero();
            assertThat(ascii(ram, rsdp, 8)).isEqualTo("RSD PTR ");
            assertThat(sum(ram, rsdp, 20)).isZero();
            assertThat(sum(ram, rsdp, 36)).isZero();
            assertThat(ram.get(JAVA_BYTE, rsdp + 15)).isEqualTo((byte) 2);
            long rsdt = ram.get(JAVA_INT_UNALIGNED, rsdp + 16);
            long xsdt = ram.get(JAVA_LONG_UNALIGNED, rsdp + 24);
            assertThat(ascii(ram, rsdt, 4)).isEqualTo("RSDT");
            assertThat(ascii(ram, xsdt, 4)).isEqualTo("XSDT");
            assertThat(sum(ram, rsdt, ram.get(JAVA_INT_UNALIGNED, rsdt + 4))).isZero();
            assertThat(sum(ram, xsdt, ram.get(JAVA_INT_UNALIGNED, xsdt + 4))).isZero();
            long madt = ram.get(JAVA_LONG_UNALIGNED, xsdt + 36);
            assertThat(ram.get(JAVA_INT_UNALIGNED, rsdt + 36)).isEqualTo((int) madt);
            assertThat(ascii(ram, madt, 4)).isEqualTo("APIC");
            int len = ram.get(JAVA_INT_UNALIGNED, madt + 4);
            assertThat(sum(ram, madt, len)).isZero();
            assertThat(ram.get(JAVA_INT_UNALIGNED, madt + 36)).isEqualTo((int) 0xfee00000L);
            List<Integer> apicIds = new ArrayList<>();
            int ioapics = 0;
            for (long p = madt + 44; p < madt + len; p += ram.get(JAVA_BYTE, p + 1) & 0xff) {
                int type = ram.get(JAVA_BYTE, p);
                if (type == 0) {
                    assertThat(ram.get(JAVA_INT_UNALIGNED, p + 4) & 1).as("enabled").isEqualTo(1);
                    apicIds.add(ram.get(JAVA_BYTE, p + 3) & 0xff);
                } else if (type == 1) {
                    ioapics++;
                    assertThat(ram.get(JAVA_INT_UNALIGNED, p + 4)).isEqualTo((int) 0xfec00000L);
                }
            }
            assertThat(apicIds).containsExactly(0, 1, 2);
            assertThat(ioapics).isEqualTo(1);
        }
    }

    @Test
    void multibootInformationHasAlignedTagsMemoryMapAndHrtTag() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = ram(a);
            AcpiTables.write(ram, 1);
            long mem = 64L << 20;
            Multiboot2Info.Written w = Multiboot2Info.write(ram, new Multiboot2Info.Spec("tests=x y=1", mem,
                    AcpiTables.rsdp(ram), 2_600_000_000L, List.of()));
            assertThat(w.address() % 8).isZero();
            assertThat(ram.get(JAVA_INT_UNALIGNED, w.address())).isEqualTo(w.size());
            Map<Integer, Long> tags = new LinkedHashMap<>();
            long p = w.address() + 8;
            while (true) {
                assertThat(p % 8).as("tag alignment").isZero();
                int type = ram.get(JAVA_INT_UNALIGNED, p);
                int size = ram.get(JAVA_INT_UNALIGNED, p + 4);
                tags.put(type, p);
                if (type == 0) {
                    assertThat(size).isEqualTo(8);
                    assertThat(p + 8).isEqualTo(w.address() + w.size());
                    break;
                }
                p += (size + 7) & ~7;
            }
            assertThat(tags.keySet()).containsExactly(1, 2, 4, 6, 15, Multiboot2Info.TAG_HRT, 0);
            assertThat(ascii(ram, tags.get(1) + 8, 12)).isEqualTo("tests=x y=1\0");
            assertThat(ram.get(JAVA_INT_UNALIGNED, tags.get(4) + 8)).isEqualTo(639);
            assertThat(ram.get(JAVA_INT_UNALIGNED, tags.get(4) + 12)).isEqualTo((int) ((mem - (1 << 20)) >> 10));
            long mm = tags.get(6);
            int entrySize = ram.get(JAVA_INT_UNALIGNED, mm + 8);
            assertThat(entrySize).isEqualTo(24);
            long ramTotal = 0;
            for (long e = mm + 16; e < mm + ram.get(JAVA_INT_UNALIGNED, mm + 4); e += entrySize) {
                if (ram.get(JAVA_INT_UNALIGNED, e + 16) == Multiboot2Info.MMAP_RAM) {
                    ramTotal += ram.get(JAVA_LONG_UNALIGNED, e + 8);
                }
            }
            assertThat(ramTotal).isEqualTo(0x9fc00 + mem - (1 << 20));
            assertThat(ascii(ram, tags.get(15) + 8, 8)).isEqualTo("RSD PTR ");
            long hrt = tags.get(Multiboot2Info.TAG_HRT) + 8;
            assertThat(w.hrtInfo()).isEqualTo(hrt);
            assertThat(ram.get(JAVA_LONG_UNALIGNED, hrt)).isEqualTo(BootInfo.MAGIC);
            assertThat(ram.get(JAVA_INT_UNALIGNED, hrt + 16)).isEqualTo(BootInfo.PROFILE_RING0);
            assertThat(ram.get(JAVA_INT_UNALIGNED, hrt + 20)).as("ncpus 0: CPUs come from the MADT").isZero();
            assertThat(ram.get(JAVA_LONG_UNALIGNED, hrt + 32)).isEqualTo(2_600_000_000L);
            assertThat(BootInfo.ready(ram, hrt)).isZero();
        }
    }

    @Test
    void overlongCommandLineIsRefused() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = ram(a);
            assertThatThrownBy(() -> Multiboot2Info.write(ram, new Multiboot2Info.Spec("x".repeat(5000), 64L << 20, null, 0, List.of())))
                    .isInstanceOf(HvmException.class).hasMessageContaining("command line longer");
        }
    }
}
