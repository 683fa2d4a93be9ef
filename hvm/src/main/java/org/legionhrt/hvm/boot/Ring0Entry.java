/*
 * The machine state a multiboot2 loader leaves the boot CPU in: 32-bit protected mode with
 * paging off (CR0 = PE, plus ET, which the CPU keeps set), CS a flat 32-bit code segment and
 * DS/ES/FS/GS/SS flat data segments (base 0, limit 4 GiB), EFLAGS with only the always-one
 * bit (IF and VM clear), EAX = the multiboot2 magic, EBX = the information's address.
 * The other vCPUs are left as KVM creates them: waiting for the kernel's INIT-SIPI-SIPI.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;

import org.legionhrt.hvm.kvm.Sregs.Seg;
import org.legionhrt.hvm.kvm.Vcpu;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Multiboot2 entry state for the boot vCPU. */
public final class Ring0Entry {
    /** PE | ET. */
    public static final long CR0 = 0x11;
    /** Only the reserved always-one bit: interrupts off. */
    public static final long EFLAGS = 0x2;
    /** Slots in the boot GDT: null, code, data. */
    public static final int GDT_ENTRIES = 3;

    private Ring0Entry() {
    }

    /**
     * Writes a GDT with the descriptors the segment registers are loaded with, so a kernel
     * that reloads a selector before its own lgdt still gets what it had (the spec leaves
     * GDTR undefined, but a valid one costs nothing).
     */
    public static void writeGdt(MemorySegment ram) {
        ram.set(JAVA_LONG, Ring0Layout.GDT + Ring0Layout.CODE32, 0x00cf9a000000ffffL);   // 32-bit code, 4 GiB
        ram.set(JAVA_LONG, Ring0Layout.GDT + Ring0Layout.DATA32, 0x00cf92000000ffffL);   // data, 4 GiB
    }

    /** Puts {@code v} at {@code entry} in the multiboot2 state with EBX = {@code mbi}. */
    public static void enter(Vcpu v, long entry, long mbi) {
        v.editSregs(s -> {
            s.segment(Seg.CS, 0, 0xffffffff, Ring0Layout.CODE32, 0xb, 0, true, true, false, true, false);
            for (Seg d : new Seg[] {Seg.DS, Seg.ES, Seg.FS, Seg.GS, Seg.SS}) {
                s.segment(d, 0, 0xffffffff, Ring0Layout.DATA32, 0x3, 0, true, true, false, true, false);
            }
            s.segment(Seg.TR, 0, 0xffff, 0, 0xb, 0, false, false, false, false, false);
            s.segment(Seg.LDT, 0, 0xffff, 0, 0x2, 0, false, false, false, false, true);
            s.gdt(Ring0Layout.GDT, GDT_ENTRIES * 8 - 1);
            s.idt(0, 0);
            s.control(CR0, 0, 0, 0);
        });
        long[] gprs = new long[18];
        gprs[0] = Integer.toUnsignedLong(Multiboot2Info.BOOT_MAGIC);   // rax
        gprs[1] = mbi;                                                // rbx
        gprs[6] = Ring0Layout.ENTRY_STACK;                            // rsp
        gprs[16] = entry;                                             // rip
        gprs[17] = EFLAGS;
        v.setRegisters(gprs);
    }
}
