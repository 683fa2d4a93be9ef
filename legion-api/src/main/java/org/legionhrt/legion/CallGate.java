package org.legionhrt.legion;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The door of a runtime's API calls (package-private): counts the calls in flight and, once
 * {@link Runtime#close} begins, turns new ones away with "the runtime is closed", so that close
 * can wait for those in flight and then destroy the runtime with no call left inside it (a
 * call racing with the destroy read freed memory or waited forever for work never run).
 * Calls from a Java task body of the runtime are let in while it closes: the bodies are the
 * pending work that close waits for, and may launch, wait and map like before.
 */
final class CallGate {
    /** Set in {@link #state} once the runtime closes; the bits below count the calls in flight. */
    private static final long CLOSING = 1L << 62;
    /** The runtime whose Java task body this thread runs (see {@link #enterBody}), or null. */
    private static final ThreadLocal<Runtime> BODY = new ThreadLocal<>();

    private final Runtime runtime;
    private final AtomicLong state = new AtomicLong();

    CallGate(Runtime runtime) {
        this.runtime = runtime;
    }

    /**
     * Counts a call in; pair with {@link #exit()} in a finally block.
     *
     * @throws LegionException if the runtime is closing or closed (not for its own task bodies)
     */
    void enter() {
        // One atomic add on the common path; the thread-local is read only while closing.
        if ((state.getAndIncrement() & CLOSING) != 0 && BODY.get() != runtime) {
            exit();
            throw new LegionException("the runtime is closed");
        }
    }

    /** Counts a call out, waking {@link #closeAndDrain} when it was the last. */
    void exit() {
        if (state.decrementAndGet() == CLOSING) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** {@return what {@code call} returns, run between {@link #enter} and {@link #exit}} */
    <T> T call(Supplier<T> call) {
        enter();
        try {
            return call.get();
        } finally {
            exit();
        }
    }

    /** Runs {@code call} between {@link #enter} and {@link #exit}. */
    void run(Runnable call) {
        enter();
        try {
            call.run();
        } finally {
            exit();
        }
    }

    /** Turns new calls away (except task bodies'). {@return false if it did so already} */
    boolean close() {
        long s;
        do {
            s = state.get();
            if ((s & CLOSING) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s | CLOSING));
        return true;
    }

    /** {@return whether the runtime closes or is closed (new calls are turned away)} */
    boolean isClosed() {
        return (state.get() & CLOSING) != 0;
    }

    /**
     * Waits until no call is in flight (after {@link #close}): they end on their own, as the
     * work they wait for still runs; an interrupt is kept for the caller, not acted on.
     */
    void awaitDrained() {
        boolean interrupted = false;
        synchronized (this) {
            while (state.get() != CLOSING) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks this thread as running a Java task body of {@code rt}. {@return the mark to restore after} */
    static Runtime enterBody(Runtime rt) {
        Runtime was = BODY.get();
        BODY.set(rt);
        return was;
    }

    /** Ends a body's mark ({@code was}: what {@link #enterBody} returned). */
    static void exitBody(Runtime was) {
        if (was == null) {
            BODY.remove();
        } else {
            BODY.set(was);
        }
    }
}
