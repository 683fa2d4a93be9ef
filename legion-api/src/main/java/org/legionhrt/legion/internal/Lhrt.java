// The C API as the public classes use it: the generated bindings plus status checking that
// turns a failed call into a LegionException carrying lhrt_last_error(), read on the same thread.
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;
import org.legionhrt.legion.LegionException;
import org.legionhrt.legion.TaskFailedException;

/** Checked access to one backend's C API (internal). */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
public final class Lhrt {
    /** {@code LHRT_ERR_TASK_FAILED}. */
    public static final int ERR_TASK_FAILED = 8;

    /** The raw downcalls. */
    public final LhrtBindings c;
    private final Function<String, Throwable> javaCause;

    /** @param c the bindings @param javaCause finds the Java exception a failure message refers to (or null) */
    public Lhrt(LhrtBindings c, Function<String, Throwable> javaCause) {
        this.c = c;
        this.javaCause = javaCause;
    }

    /** Throws the exception for {@code status} unless it is LHRT_OK. @param what the operation, for the message */
    public void check(int status, String what) {
        if (status != 0) {
            throw error(status, what);
        }
    }

    /** {@return the exception for a failed call; reads lhrt_last_error() of this thread} */
    public LegionException error(int status, String what) {
        String msg = lastError();
        String text = what + " failed: " + statusName(status) + (msg.isEmpty() ? "" : ": " + msg);
        Throwable cause = javaCause.apply(msg);
        if (cause != null && !msg.contains(cause.getClass().getName())) {
            // backend hrt's proxies send only the tag ("a Java reduction operator threw [java-exception:N]")
            text += " (" + describe(cause) + ")";
        }
        if (status == ERR_TASK_FAILED) {
            return new TaskFailedException(text, cause);
        }
        return new LegionException(status, text, cause);   // e.g. a Java reduction operator that threw
    }

    /** {@return t as text, even when its own toString throws} */
    private static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (RuntimeException e) {
            return t.getClass().getName();
        }
    }

    /** {@return this thread's last error message} */
    public String lastError() {
        MemorySegment p = c.lastError();
        // SAFETY: a NUL-terminated C string of the runtime; getString stops at the NUL.
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(4096).getString(0);
    }

    /** {@return the C name of a status code} */
    public String statusName(int status) {
        MemorySegment p = c.statusName(status);
        // SAFETY: a NUL-terminated C string of the runtime; getString stops at the NUL.
        return p.equals(MemorySegment.NULL) ? "status " + status : p.reinterpret(256).getString(0);
    }

    /** Functional form of a call writing one handle/long into {@code out}. */
    @FunctionalInterface
    public interface OutCall {
        /** @param out 8 bytes of scratch @return the status */
        int call(MemorySegment out);
    }

    /** {@return the long (handle, count) a call writes into its out-parameter} */
    public long outLong(String what, OutCall call) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment out = s.alloc(8);
            check(call.call(out), what);
            return out.get(JAVA_LONG, 0);
        } finally {
            s.reset(m);
        }
    }

    /** {@return the int a call writes into its out-parameter} */
    public int outInt(String what, OutCall call) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment out = s.alloc(8);
            check(call.call(out), what);
            return out.get(JAVA_INT, 0);
        } finally {
            s.reset(m);
        }
    }
}
