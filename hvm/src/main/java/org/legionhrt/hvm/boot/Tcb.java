/*
 * The block every vCPU's FS base points at, shaped like the head of glibc's x86-64 thread
 * control block: code built for Linux (a native task library loaded as a module) reads its
 * stack-protector canary at %fs:0x28 and the thread pointer at %fs:0. Before the NULL guard,
 * FS base 0 made those reads land in guest page 0; now they need a block of their own.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Writes the FS block at {@link Layout#TCB}: one for all CPUs, as glibc's canary is per process. */
public final class Tcb {
    /** Offset of the thread pointer (glibc {@code tcbhead_t.tcb}), read as %fs:0. */
    public static final int SELF = 0x0;
    /** Offset of glibc's {@code tcbhead_t.self}. */
    public static final int SELF2 = 0x10;
    /** Offset of the stack-protector canary, {@code -fstack-protector}'s %fs:0x28. */
    public static final int STACK_GUARD = 0x28;
    /** Offset of the pointer guard (glibc's PTR_MANGLE), %fs:0x30. */
    public static final int POINTER_GUARD = 0x30;

    private Tcb() {
    }

    /**
     * Writes the block with a fresh canary (its low byte zero, as glibc's, so a string copy
     * cannot reproduce it) and pointer guard.
     */
    public static void write(MemorySegment ram) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        ram.set(JAVA_LONG, Layout.TCB + SELF, Layout.TCB);
        ram.set(JAVA_LONG, Layout.TCB + SELF2, Layout.TCB);
        ram.set(JAVA_LONG, Layout.TCB + STACK_GUARD, r.nextLong() & ~0xffL | 0x100);
        ram.set(JAVA_LONG, Layout.TCB + POINTER_GUARD, r.nextLong());
    }
}
