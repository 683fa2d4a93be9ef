package org.legionhrt.legion;

/**
 * The one exception of the API: a runtime call failed (carrying the C runtime's status name and
 * {@code lhrt_last_error()} message), the API was misused (closed runtime, a region of another
 * runtime, a field of the wrong type), or a task failed ({@link TaskFailedException}).
 */
public class LegionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The C status code, or 0 when the error was caught in Java. */
    private final int status;

    /** An error found in Java, before any native call. @param message what is wrong and how to fix it */
    public LegionException(String message) {
        this(0, message, null);
    }

    /**
     * An error with a cause.
     *
     * @param status  the C status code ({@code LHRT_ERR_*}), or 0
     * @param message what is wrong
     * @param cause   the underlying exception, or null
     */
    public LegionException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** {@return the C runtime's status code ({@code LHRT_ERR_*}), or 0 for errors found in Java} */
    public int status() {
        return status;
    }
}
