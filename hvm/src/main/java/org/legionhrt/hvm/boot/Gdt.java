/*
 * The GDT and TSS the VMM gives every vCPU: flat 64-bit user code and data (DPL 3) and a
 * TSS whose I/O bitmap allows every port (CPL3 `in`/`out` are checked against it). The
 * guest never loads segments itself (lgdt is privileged); KVM gets
 * the same descriptors through KVM_SET_SREGS.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Writes the GDT at {@link Layout#GDT}. */
public final class Gdt {
    /** Number of 8-byte slots (null, kernel code, kernel data, user data, user code, TSS x2). */
    public static final int ENTRIES = 7;
    /** Where the I/O permission bitmap starts inside the TSS. */
    public static final int IOMAP = 0x68;
    /** The TSS limit: header, 8 KiB bitmap (one bit per port, 0 = allowed), terminator byte. */
    public static final int TSS_LIMIT = IOMAP + 8192;

    private Gdt() {
    }

    /** Writes the descriptors into fresh (zero) guest RAM; the I/O bitmap stays all zero. */
    public static void write(MemorySegment ram) {
        // Accessed bits set: the GDT is read-only to the guest (Layout.READ_ONLY_END), and a
        // segment load would otherwise make the CPU write it.
        ram.set(JAVA_LONG, Layout.GDT + 0x08, 0x00af9b000000ffffL);   // kernel code, 64-bit
        ram.set(JAVA_LONG, Layout.GDT + 0x10, 0x00cf93000000ffffL);   // kernel data
        ram.set(JAVA_LONG, Layout.GDT + 0x18, 0x00cff3000000ffffL);   // user data, DPL 3
        ram.set(JAVA_LONG, Layout.GDT + 0x20, 0x00affb000000ffffL);   // user code, 64-bit, DPL 3
        ram.set(java.lang.foreign.ValueLayout.JAVA_SHORT, Layout.TSS + 0x66, (short) IOMAP);
        ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, Layout.TSS + TSS_LIMIT, (byte) 0xff);
        long base = Layout.TSS;
        long low = (TSS_LIMIT & 0xffffL) | ((long) (TSS_LIMIT >>> 16) << 48) | ((base & 0xffffff) << 16) | (0x89L << 40) | (((base >>> 24) & 0xff) << 56);
        ram.set(JAVA_LONG, Layout.GDT + 0x28, low);                   // available 64-bit TSS
        ram.set(JAVA_LONG, Layout.GDT + 0x30, base >>> 32);
    }
}
