package org.legionhrt.cli;

/** A missing tool or device that a command needs; the message names the fix. Exit status 2. */
public final class PrerequisiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what is missing and how to fix it. */
    public PrerequisiteException(String message) {
        super(message);
    }
}
