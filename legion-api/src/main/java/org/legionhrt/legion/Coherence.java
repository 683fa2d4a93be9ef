package org.legionhrt.legion;

/** How tasks that touch the same data see each other's updates. */
public enum Coherence {
    /** Program order: the usual choice. */
    EXCLUSIVE,
    /** Any order, one at a time. */
    ATOMIC,
    /** At the same time, on the same data (the tasks synchronise themselves). */
    SIMULTANEOUS,
    /** Like simultaneous, without any guarantee on visibility. */
    RELAXED;

    int code() {
        return ordinal();
    }
}
