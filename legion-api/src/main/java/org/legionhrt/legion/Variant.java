package org.legionhrt.legion;

/** The kinds of task variants: a Java body or a native (C) function. Codes as LHRT_PROC_*. */
public enum Variant {
    /** Let the mapper choose. */
    ANY(0),
    /** A native function (CPU processor kind). */
    NATIVE(1),
    /** A Java body (JVM processor kind). */
    JAVA(2);

    final int code;

    Variant(int code) {
        this.code = code;
    }

    static Variant ofCode(int c) {
        return switch (c) {
            case 1 -> NATIVE;
            case 2 -> JAVA;
            default -> ANY;
        };
    }
}
