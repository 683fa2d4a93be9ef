/*
 * Puts a vCPU directly into 64-bit long mode at CPL3, the state a deprivileged kernel is
 * entered in: paging with our identity map, flat DPL-3 segments, GS base = its per-CPU
 * area, FS base = the shared TCB-shaped block (Linux-built code's canary at %fs:0x28), SSE
 * usable (CR0.MP, CR4.OSFXSR|OSXMMEXCPT), no IDT (any fault ends the VM), rdi = boot info,
 * rsi = cpu index, rsp = its stack, RFLAGS = 0x202, and CR2 a marker that tells a page
 * fault's address from no page fault.
 */
package org.legionhrt.hvm.boot;

import org.legionhrt.hvm.kvm.Sregs.Seg;
import org.legionhrt.hvm.kvm.Vcpu;

/** Long-mode CPL3 entry state for one vCPU. */
public final class CpuSetup {
    /** PG | AM | WP | NE | ET | MP | PE. */
    public static final long CR0 = 0x80050033L;
    /** PAE | OSFXSR | OSXMMEXCPT. */
    public static final long CR4 = 0x20 | 0x200 | 0x400;
    /** LME | LMA. */
    public static final long EFER = 0x100 | 0x400;
    /** IF and the always-one bit (PVM forces IOPL 0: ports are allowed by the TSS bitmap). */
    public static final long RFLAGS = 0x202;
    /**
     * CR2 at entry: a non-canonical address, which no page fault can leave there (a
     * non-canonical access is a #GP), so a CR2 other than this after a triple fault is the
     * address of the page fault that ended the VM.
     */
    public static final long NO_PAGE_FAULT = 0xdead_0000_0000_0000L;

    private CpuSetup() {
    }

    /** Configures {@code v} to start at {@code entry} in long mode at CPL3. */
    public static void enterUserLongMode(Vcpu v, long entry, long stackTop, long cr3) {
        long gsBase = Layout.PERCPU + v.index() * Layout.PERCPU_STRIDE;
        v.editSregs(s -> {
            s.segment(Seg.CS, 0, 0xffffffff, Layout.USER_CS, 0xb, 3, false, true, true, true, false);
            for (Seg d : new Seg[] {Seg.DS, Seg.ES, Seg.SS}) {
                s.segment(d, 0, 0xffffffff, Layout.USER_DS, 0x3, 3, true, true, false, true, false);
            }
            s.segment(Seg.FS, Layout.TCB, 0xffffffff, Layout.USER_DS, 0x3, 3, true, true, false, true, false);
            s.segment(Seg.GS, gsBase, 0xffffffff, Layout.USER_DS, 0x3, 3, true, true, false, true, false);
            s.segment(Seg.TR, Layout.TSS, Gdt.TSS_LIMIT, Layout.TSS_SEL, 0xb, 0, false, false, false, false, false);
            s.segment(Seg.LDT, 0, 0xffff, 0, 0x2, 0, false, false, false, false, true);
            s.gdt(Layout.GDT, Gdt.ENTRIES * 8 - 1);
            s.idt(0, 0);
            s.control(CR0, cr3, CR4, EFER);
            s.cr2(NO_PAGE_FAULT);
        });
        v.setRegs(entry, stackTop, Layout.BOOT_INFO, v.index(), RFLAGS);
    }
}
