/*
 * A snapshot of one vCPU's registers, taken when something went wrong, so an exception can
 * say which vCPU was where (RIP, RSP, flags, control registers) and why it stopped.
 */
package org.legionhrt.hvm.kvm;

/**
 * Registers of one vCPU at the moment it stopped.
 *
 * @param cpu    the vCPU index
 * @param exit   the KVM exit that stopped it (e.g. "SHUTDOWN")
 * @param gprs   rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8..r15, rip, rflags (18 values)
 * @param cr0    CR0
 * @param cr2    CR2 (the last page-fault address)
 * @param cr3    CR3
 * @param cr4    CR4
 * @param efer   EFER
 * @param cs     CS selector
 */
public record VcpuState(int cpu, String exit, long[] gprs, long cr0, long cr2, long cr3, long cr4, long efer, int cs) {
    private static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};

    /** {@return the instruction pointer} */
    public long rip() {
        return gprs[16];
    }

    /** {@return the stack pointer} */
    public long rsp() {
        return gprs[6];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("vCPU %d stopped (%s) at rip=%#x cs=%#x%n", cpu, exit, rip(), cs));
        for (int i = 0; i < gprs.length; i++) {
            sb.append(String.format("  %-6s %016x", NAMES[i], gprs[i]));
            if (i % 4 == 3) {
                sb.append('\n');
            }
        }
        sb.append(String.format("%n  cr0 %x cr2 %x cr3 %x cr4 %x efer %x", cr0, cr2, cr3, cr4, efer));
        return sb.toString();
    }
}
