/*
 * A Java function the HRT may ask the ROS to run (HRT->ROS request), registered by id with
 * the HVM builder. Runs on a request-ring thread or, for the synchronous exit path, on the
 * calling vCPU's own thread.
 */
package org.legionhrt.hvm.ring;

/** A registered HRT->ROS request handler. */
@FunctionalInterface
public interface RosHandler {
    /**
     * Handles one request.
     *
     * @param args the four argument words (pointers into the merged region are valid JVM addresses)
     * @return the result word returned to the HRT
     */
    long handle(long[] args);

    /**
     * The HVM failed (a fault, a panic, a hang the watchdog stopped): nothing will ask this
     * handler anything again. A handler whose callers sleep until the HRT asks (a completion
     * notice) wakes them here, so they see the failure at once instead of at their next look.
     */
    default void hvmFailed() {
    }
}
