// The seam between the public API and where the runtime actually runs. Everything above talks
// to the C API through LhrtBindings; a backend only says where those symbols come from.
package org.legionhrt.legion.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.legionhrt.legion.LegionException;
import org.legionhrt.legion.RuntimeConfig;

/**
 * A place the runtime runs (internal). {@code linux}: liblhrt.so in this process. The {@code hrt}
 * backend ({@link HrtBackend}) provides the same {@code lhrt_*} signatures as ROS-side stubs that
 * forward over the HVM call ring, so the bindings and the whole public API stay unchanged.
 */
public interface Backend extends AutoCloseable {

    /** {@return the backend's name, as in {@code RuntimeConfig.backend}} */
    String name();

    /** {@return the C API of this backend} */
    LhrtBindings lhrt();

    /**
     * {@return {@code size} zeroed bytes where region instances of a runtime with a memory size
     * live} On {@code linux} plain native memory of {@code arena}; the {@code hrt} backend returns
     * memory inside the merged region, so Java and the HRT see instances at the same address.
     */
    default MemorySegment allocateInstanceArena(Arena arena, long size) {
        return arena.allocate(size, 2 << 20);
    }

    /** {@return {@code config} as this backend runs it (the hrt backend forces instance memory and QUEUE)} */
    default RuntimeConfig configure(RuntimeConfig config) {
        return config;
    }

    /**
     * {@return how many closed futures the runtime may hold back and release in one call} 1 (at
     * once) where a call is cheap; more where every call is a round trip (backend hrt). A held
     * handle only delays freeing its result: the runtime's destroy frees what is still held.
     */
    default int futureReleaseBatch() {
        return 1;
    }

    /**
     * {@return where runtime calls are served by a server of their own (backend hrt): the calls it
     * ran so far and the nanoseconds they took; null where callers run them themselves}
     */
    default long[] callServerLoad() {
        return null;
    }

    /**
     * Tells the backend how to find the Java exception a runtime message names (its
     * {@code [java-exception:N]} tag), for errors it raises itself (hrt: a posted launch's).
     */
    default void resolveCausesWith(java.util.function.Function<String, Throwable> causes) {
    }

    /**
     * {@return whether the backend failed (an HVM that died) and a caller was already told so}
     * Closing such a runtime only releases it: the failure is not thrown again.
     */
    default boolean failureReported() {
        return false;
    }

    /** {@return the backend's failure (an HVM that died), or null} */
    default LegionException failure() {
        return null;
    }

    /**
     * Has {@code listener} told, once and on the thread that saw it, the failure that loses the
     * runtime (an HVM that died): what waits for the runtime's callbacks waits in vain after it.
     * Backend linux never fails this way.
     */
    default void onFailure(java.util.function.Consumer<LegionException> listener) {
    }

    /** {@return {@code bytes} for messages: in GiB or MiB where whole, else in bytes} */
    static String size(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return bytes > 0 && bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** Releases what the backend holds (not the runtime: that is {@code lhrt_runtime_destroy}). */
    @Override
    void close();

    /**
     * {@return the backend {@code config} names, started with its settings (the hrt backend
     * boots its HVM from the worker count and memory size)}
     *
     * @throws LegionException for an unknown or unavailable backend
     */
    static Backend open(RuntimeConfig config) {
        return config.backend().equals("hrt") ? HrtBackend.open(config) : open(config.backend());
    }

    /** {@return the backend named {@code name} with default settings} @throws LegionException if unknown or unavailable */
    static Backend open(String name) {
        return switch (name) {
            case "linux" -> LinuxBackend.open();
            case "hrt" -> HrtBackend.open(RuntimeConfig.defaults().withBackend("hrt"));
            default -> throw new LegionException("unknown backend '" + name + "'; use linux or hrt");
        };
    }
}
