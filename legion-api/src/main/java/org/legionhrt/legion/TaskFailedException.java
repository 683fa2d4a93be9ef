package org.legionhrt.legion;

/**
 * A task failed, or a task it depended on did, so its result does not exist. When a Java task
 * body threw, the thrown exception is the {@linkplain #getCause() cause} — also for the tasks
 * downstream that failed because of it — so the chain always reaches the original error.
 */
public final class TaskFailedException extends LegionException {
    private static final long serialVersionUID = 1L;

    /** @param message the runtime's message @param cause the Java exception of the failed body, or null */
    public TaskFailedException(String message, Throwable cause) {
        super(8, message, cause);
    }
}
