/*
 * What a vCPU thread calls when its guest leaves KVM_RUN for userspace: port I/O to the
 * devices, and once, the reason it stopped. Implemented by the HVM's device bus; called on
 * the vCPU's own thread, so implementations must be thread safe across vCPUs.
 */
package org.legionhrt.hvm.kvm;

import org.legionhrt.hvm.HvmException;

/** Serves the exits of every vCPU of a VM. */
public interface ExitHandler {
    /** What the vCPU does after an exit was served. */
    enum Action {
        /** Enter the guest again. */
        CONTINUE,
        /** Stop this vCPU (the VM is ending). */
        STOP,
    }

    /** The guest wrote {@code value} ({@code size} bytes) to {@code port}. */
    Action out(Vcpu vcpu, int port, int size, int value);

    /** The guest reads {@code size} bytes from {@code port}; {@return the value}. */
    int in(Vcpu vcpu, int port, int size);

    /**
     * The vCPU thread ends: {@code failure} is null after a requested stop, else what went wrong
     * (with the vCPU state).
     */
    void stopped(Vcpu vcpu, HvmException failure);
}
