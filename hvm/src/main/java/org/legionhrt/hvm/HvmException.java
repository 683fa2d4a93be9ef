/*
 * The one exception of the HVM: every failure (bad input, a KVM call that failed, a guest
 * that faulted, panicked or stopped answering) arrives as this, with a kind, a one-line
 * message that says what to fix, and, for guest failures, the vCPU state and the last
 * console lines.
 */
package org.legionhrt.hvm;

import java.util.List;
import java.util.Optional;

import org.legionhrt.hvm.kvm.VcpuState;

/** A failure of the hybrid virtual machine; see {@link Kind} for the classes of failure. */
public final class HvmException extends RuntimeException {
    /** What class of failure this is. */
    public enum Kind {
        /** A bad argument or image: the caller must change the input. */
        BAD_INPUT,
        /** /dev/kvm or a system call failed. */
        KVM,
        /** The guest triple-faulted or shut down (any fault at CPL3 ends the VM). */
        SHUTDOWN,
        /** KVM could not enter or emulate the guest. */
        INTERNAL_ERROR,
        /** The guest touched a port or MMIO address nobody serves. */
        UNEXPECTED_EXIT,
        /** The kernel panicked (panic port). */
        PANIC,
        /** The guest stopped answering within the time allowed. */
        TIMEOUT,
        /** The guest exited with a non-zero code through the exit port. */
        GUEST_EXIT,
        /**
         * The guest wrote what the VMM cannot accept into a structure they share (the ready
         * word, a ring's sequence numbers): it broke the contract of boot.h and hvm_comm.h.
         */
        PROTOCOL,
        /** The HVM is already shut down. */
        CLOSED,
    }

    private final Kind kind;
    private final String reason;
    private final transient VcpuState state;
    private final List<String> console;

    /** Creates an exception without guest state. */
    public HvmException(Kind kind, String message) {
        this(kind, message, null, List.of(), null);
    }

    /** Creates an exception caused by {@code cause}. */
    public HvmException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, List.of(), cause);
    }

    /** Creates an exception with the faulting vCPU's state and the last console lines. */
    public HvmException(Kind kind, String message, VcpuState state, List<String> console, Throwable cause) {
        super(compose(message, state, console), cause);
        this.kind = kind;
        this.reason = message;
        this.state = state;
        this.console = List.copyOf(console);
    }

    private static String compose(String message, VcpuState state, List<String> console) {
        StringBuilder sb = new StringBuilder(message);
        if (state != null) {
            sb.append('\n').append(state);
        }
        if (!console.isEmpty()) {
            sb.append("\nlast console lines:");
            console.forEach(l -> sb.append("\n  | ").append(l));
        }
        return sb.toString();
    }

    /** {@return the one-line reason, without state or console lines} */
    public String reason() {
        return reason;
    }

    /** {@return the class of failure} */
    public Kind kind() {
        return kind;
    }

    /** {@return the state of the vCPU that failed, when a guest failed} */
    public Optional<VcpuState> state() {
        return Optional.ofNullable(state);
    }

    /** {@return the last console lines before the failure (possibly empty)} */
    public List<String> console() {
        return console;
    }
}
