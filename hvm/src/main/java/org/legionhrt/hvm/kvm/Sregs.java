/*
 * A typed view of struct kvm_sregs (segments, descriptor tables, control registers, EFER)
 * over a native buffer, so the boot code can say "CS is a 64-bit DPL-3 code segment"
 * instead of poking offsets.
 */
package org.legionhrt.hvm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** struct kvm_sregs, edited in place. */
public final class Sregs {
    /** Segment registers in kvm_sregs order. */
    public enum Seg {
        /** Code. */ CS, /** Data. */ DS, /** Extra. */ ES, /** FS. */ FS, /** GS (per-CPU base). */ GS,
        /** Stack. */ SS, /** Task register. */ TR, /** LDT. */ LDT
    }

    private static final long GDT = 192;
    private static final long IDT = 208;
    private static final long CR0 = 224;
    private static final long CR2 = 232;
    private static final long CR3 = 240;
    private static final long CR4 = 248;
    private static final long EFER = 264;

    private final MemorySegment buf;

    Sregs(MemorySegment buf) {
        this.buf = buf;
    }

    /**
     * Sets a segment register (struct kvm_segment: base, limit, selector, type, present,
     * dpl, db, s, l, g, avl, unusable).
     */
    public Sregs segment(Seg seg, long base, int limit, int selector, int type, int dpl,
                         boolean db, boolean s, boolean l, boolean g, boolean unusable) {
        long o = seg.ordinal() * 24L;
        buf.set(JAVA_LONG, o, base);
        buf.set(JAVA_INT, o + 8, limit);
        buf.set(JAVA_SHORT, o + 12, (short) selector);
        buf.set(JAVA_BYTE, o + 14, (byte) type);
        buf.set(JAVA_BYTE, o + 15, (byte) (unusable ? 0 : 1));
        buf.set(JAVA_BYTE, o + 16, (byte) dpl);
        buf.set(JAVA_BYTE, o + 17, (byte) (db ? 1 : 0));
        buf.set(JAVA_BYTE, o + 18, (byte) (s ? 1 : 0));
        buf.set(JAVA_BYTE, o + 19, (byte) (l ? 1 : 0));
        buf.set(JAVA_BYTE, o + 20, (byte) (g ? 1 : 0));
        buf.set(JAVA_BYTE, o + 21, (byte) 0);
        buf.set(JAVA_BYTE, o + 22, (byte) (unusable ? 1 : 0));
        return this;
    }

    /** Sets the GDT register. */
    public Sregs gdt(long base, int limit) {
        buf.set(JAVA_LONG, GDT, base);
        buf.set(JAVA_SHORT, GDT + 8, (short) limit);
        return this;
    }

    /** Sets the IDT register. */
    public Sregs idt(long base, int limit) {
        buf.set(JAVA_LONG, IDT, base);
        buf.set(JAVA_SHORT, IDT + 8, (short) limit);
        return this;
    }

    /** Sets the control registers and EFER. */
    public Sregs control(long cr0, long cr3, long cr4, long efer) {
        buf.set(JAVA_LONG, CR0, cr0);
        buf.set(JAVA_LONG, CR3, cr3);
        buf.set(JAVA_LONG, CR4, cr4);
        buf.set(JAVA_LONG, EFER, efer);
        return this;
    }

    /** Sets CR2, the last page-fault address. */
    public Sregs cr2(long cr2) {
        buf.set(JAVA_LONG, CR2, cr2);
        return this;
    }

    /** {@return CR0} */
    public long cr0() {
        return buf.get(JAVA_LONG, CR0);
    }

    /** {@return CR2} */
    public long cr2() {
        return buf.get(JAVA_LONG, CR2);
    }

    /** {@return CR3} */
    public long cr3() {
        return buf.get(JAVA_LONG, CR3);
    }

    /** {@return CR4} */
    public long cr4() {
        return buf.get(JAVA_LONG, CR4);
    }

    /** {@return EFER} */
    public long efer() {
        return buf.get(JAVA_LONG, EFER);
    }
}
