package org.legionhrt.legion;

/**
 * One task body the runtime ran while tracing was on ({@link Runtime#setTracing}): which task
 * and point, on which worker, and when, on the runtime's clock (CLOCK_MONOTONIC on backend
 * {@code linux}, the HRT's TSC on {@code hrt}; compare times within one trace only).
 *
 * @param task       the task's name ({@code "task <id>"} if it was not registered through this API)
 * @param taskId     the runtime's task id
 * @param point      the point's index in its launch (0 for a single launch)
 * @param worker     the runtime worker that ran a native body; -1 for a Java body (a JVM worker)
 * @param variant    which body ran: {@link Variant#NATIVE} or {@link Variant#JAVA}
 * @param failed     whether the task failed
 * @param readyNanos when it could run: handed to a worker (or queued for the JVM); 0 if that
 *                   was before tracing began
 * @param startNanos when the body started (a Java body: when a JVM worker took it from the
 *                   queue; a lone worker takes several at once, and then a later body's time
 *                   includes the earlier ones')
 * @param endNanos   when it ended
 */
public record TaskRecord(String task, int taskId, long point, int worker, Variant variant, boolean failed,
                         long readyNanos, long startNanos, long endNanos) {
    /** {@return how long the body ran, in nanoseconds} */
    public long durationNanos() {
        return endNanos - startNanos;
    }

    /** {@return how long it waited to start once ready (queueing, waking a worker), in nanoseconds; 0 if unknown} */
    public long waitNanos() {
        return readyNanos == 0 ? 0 : startNanos - readyNanos;
    }
}
