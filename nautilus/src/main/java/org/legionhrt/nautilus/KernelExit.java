package org.legionhrt.nautilus;

/**
 * How a kernel run ended, decoded from QEMU's exit status: the kernel writes a code to the
 * isa-debug-exit port (0xf4) and QEMU exits with {@code 2 * code + 1}.
 */
public enum KernelExit {
    /** Code 0: everything asked for ran and passed. */
    PASSED,
    /** Code 1: at least one test (or benchmark) failed. */
    FAILED,
    /** Code 2: the kernel panicked (exception, broken invariant). */
    PANIC,
    /** Code 3: bad input (unknown test, too little memory, too many CPUs, no memory map). */
    BAD_INPUT,
    /** The runner killed QEMU after the timeout. */
    TIMEOUT,
    /** QEMU ended without the exit device (crash, triple fault, bad arguments). */
    QEMU_ERROR;

    /** {@return the outcome for QEMU exit status {@code status}} */
    public static KernelExit fromQemuStatus(int status) {
        return status % 2 == 1 ? fromCode(status >> 1) : QEMU_ERROR;
    }

    /** {@return the outcome for the code the kernel itself exited with (0..3; in the HVM, its exit port's value)} */
    public static KernelExit fromCode(int code) {
        return switch (code) {
            case 0 -> PASSED;
            case 1 -> FAILED;
            case 2 -> PANIC;
            case 3 -> BAD_INPUT;
            default -> QEMU_ERROR;
        };
    }
}
