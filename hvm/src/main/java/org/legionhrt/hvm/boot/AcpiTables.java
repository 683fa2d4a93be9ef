/*
 * The ACPI tables a PC firmware would leave for a ring0 kernel to find its CPUs: an RSDP
 * (revision 2) at the start of the BIOS area, where a kernel scans for "RSD PTR ", an RSDT
 * and an XSDT each naming one table, and that table, the MADT ("APIC"): one enabled local
 * APIC per vCPU (APIC id = vCPU index, as KVM numbers them) and the in-kernel IOAPIC.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/** Writes RSDP, RSDT, XSDT and MADT into the BIOS area of guest RAM. */
public final class AcpiTables {
    /** The RSDP: 16-byte aligned in 0xe0000-0xfffff. */
    public static final long RSDP = Ring0Layout.BIOS;
    /** Length of a revision-2 RSDP. */
    public static final int RSDP_SIZE = 36;
    static final long RSDT = RSDP + 0x40;
    static final long XSDT = RSDP + 0x80;
    static final long MADT = RSDP + 0xc0;
    private static final int HEADER = 36;
    private static final String OEM = "LHRT  ";
    private static final String OEM_TABLE = "LHRTHVM ";

    private AcpiTables() {
    }

    /** Writes the tables for {@code cpus} CPUs into {@code ram} (zero there); {@return the RSDP address}. */
    public static long write(MemorySegment ram, int cpus) {
        int madtLen = HEADER + 8 + 8 * cpus + 12;
        MemorySegment madt = ram.asSlice(MADT, madtLen);
        header(madt, "APIC", madtLen, 3);
        madt.set(JAVA_INT_UNALIGNED, HEADER, (int) Ring0Layout.LAPIC);
        madt.set(JAVA_INT_UNALIGNED, HEADER + 4, 1);                    // PCAT_COMPAT: 8259 PICs present (masked by the kernel)
        int at = HEADER + 8;
        for (int i = 0; i < cpus; i++, at += 8) {
            madt.set(JAVA_BYTE, at, (byte) 0);                 // processor local APIC
            madt.set(JAVA_BYTE, at + 1, (byte) 8);
            madt.set(JAVA_BYTE, at + 2, (byte) i);             // ACPI processor UID
            madt.set(JAVA_BYTE, at + 3, (byte) i);             // APIC id: KVM's vCPU index
            madt.set(JAVA_INT_UNALIGNED, at + 4, 1);                     // enabled
        }
        madt.set(JAVA_BYTE, at, (byte) 1);                     // I/O APIC
        madt.set(JAVA_BYTE, at + 1, (byte) 12);
        madt.set(JAVA_INT_UNALIGNED, at + 4, (int) Ring0Layout.IOAPIC);  // id 0, GSI base 0
        checksum(madt, 9, madtLen);

        MemorySegment rsdt = ram.asSlice(RSDT, HEADER + 4);
        header(rsdt, "RSDT", HEADER + 4, 1);
        rsdt.set(JAVA_INT_UNALIGNED, HEADER, (int) MADT);
        checksum(rsdt, 9, HEADER + 4);

        MemorySegment xsdt = ram.asSlice(XSDT, HEADER + 8);
        header(xsdt, "XSDT", HEADER + 8, 1);
        xsdt.set(JAVA_LONG_UNALIGNED, HEADER, MADT);
        checksum(xsdt, 9, HEADER + 8);

        MemorySegment rsdp = ram.asSlice(RSDP, RSDP_SIZE);
        ascii(rsdp, 0, "RSD PTR ");
        ascii(rsdp, 9, OEM);
        rsdp.set(JAVA_BYTE, 15, (byte) 2);                    // revision 2: the XSDT fields are valid
        rsdp.set(JAVA_INT_UNALIGNED, 16, (int) RSDT);
        rsdp.set(JAVA_INT_UNALIGNED, 20, RSDP_SIZE);
        rsdp.set(JAVA_LONG_UNALIGNED, 24, XSDT);
        checksum(rsdp, 8, 20);                                 // ACPI 1.0 part
        checksum(rsdp, 32, RSDP_SIZE);                         // whole structure
        return RSDP;
    }

    /** {@return the bytes of the RSDP as written} (for the multiboot2 ACPI tag). */
    public static byte[] rsdp(MemorySegment ram) {
        return ram.asSlice(RSDP, RSDP_SIZE).toArray(JAVA_BYTE);
    }

    private static void header(MemorySegment t, String sig, int len, int revision) {
        ascii(t, 0, sig);
        t.set(JAVA_INT_UNALIGNED, 4, len);
        t.set(JAVA_BYTE, 8, (byte) revision);
        ascii(t, 10, OEM);
        ascii(t, 16, OEM_TABLE);
        t.set(JAVA_INT_UNALIGNED, 24, 1);
        ascii(t, 28, "LHRT");
        t.set(JAVA_INT_UNALIGNED, 32, 1);
    }

    private static void ascii(MemorySegment t, long at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, t, JAVA_BYTE, at, b.length);
    }

    /** Stores at {@code at} the byte that makes bytes [0, len) sum to zero (mod 256). */
    private static void checksum(MemorySegment t, long at, int len) {
        t.set(JAVA_BYTE, at, (byte) 0);
        int sum = 0;
        for (int i = 0; i < len; i++) {
            sum += t.get(JAVA_BYTE, i);
        }
        t.set(JAVA_BYTE, at, (byte) -sum);
    }
}
