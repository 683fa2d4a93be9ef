package org.legionhrt.legion.internal;

/**
 * Backend hrt: a Java reduction operator or projection functor that threw, told from its upcall
 * to the request handler that ran it on the same JVM thread (internal). The handler answers the HRT
 * with the exception's tag, and the HRT's proxy reports the failure there (lhrt_callback_fail), on
 * the runtime thread that called the operator.
 */
public final class CallbackFailures {
    private static final ThreadLocal<long[]> TAG = ThreadLocal.withInitial(() -> new long[1]);

    private CallbackFailures() {
    }

    /** Records that the callback running on this thread failed with exception tag {@code tag} (at least 1). */
    public static void report(long tag) {
        TAG.get()[0] = tag;
    }

    /** {@return the tag reported on this thread since the last take, or 0; clears it} */
    static long take() {
        long[] t = TAG.get();
        long v = t[0];
        t[0] = 0;
        return v;
    }
}
