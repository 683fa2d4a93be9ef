/*
 * A failed system call: the operation and the errno value, with the C library's text.
 * Internal: the public layers turn it into an HvmException that says how to fix it.
 */
package org.legionhrt.hvm.internal;

/** A system call that returned an error; {@link #errno()} is the kernel's reason. */
public final class SysException extends Exception {
    private final int errno;

    /** Creates the exception for {@code op} failing with {@code errno}. */
    public SysException(String op, int errno) {
        super(op + ": " + Sys.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    /** {@return the errno value} */
    public int errno() {
        return errno;
    }
}
