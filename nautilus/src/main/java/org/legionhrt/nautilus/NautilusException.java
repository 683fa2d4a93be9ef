package org.legionhrt.nautilus;

/** Booting or reading the kernel failed; the message says what and how to fix it. */
public final class NautilusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the fix. */
    public NautilusException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public NautilusException(String message, Throwable cause) {
        super(message, cause);
    }
}
