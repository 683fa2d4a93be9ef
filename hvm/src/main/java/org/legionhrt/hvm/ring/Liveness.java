/*
 * What a ring client needs from its HVM while it waits: is the guest still alive, and what
 * to throw when it stopped answering (the HVM then stops every vCPU and reports them).
 */
package org.legionhrt.hvm.ring;

import org.legionhrt.hvm.HvmException;

/** Failure checks a waiting ring client calls. */
public interface Liveness {
    /** Throws the HVM's failure if it failed or was closed. */
    void check();

    /** Ends the HVM because {@code what} timed out; {@return the exception to throw}. */
    HvmException timeout(String what);
}
