/*
 * What a ring client needs from its HVM while it waits: is the guest still alive, and what
 * to throw when it stopped answering or wrote garbage into the ring (the HVM then stops every
 * vCPU and reports them).
 */
package org.legionhrt.hvm.ring;

import org.legionhrt.hvm.HvmException;

/** Failure checks a waiting ring client calls. */
public interface Liveness {
    /** Throws the HVM's failure if it failed or was closed. */
    void check();

    /** Ends the HVM because {@code what} timed out; {@return the exception to throw}. */
    HvmException timeout(String what);

    /**
     * Ends the HVM because the guest broke a ring's protocol ({@code what}: a sequence number no
     * state of the slot allows); {@return the exception to throw} (kind PROTOCOL).
     */
    HvmException protocol(String what);
}
