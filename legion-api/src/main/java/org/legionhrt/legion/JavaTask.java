package org.legionhrt.legion;

/**
 * The body of a Java task variant. It runs on a runtime worker (or a JVM pool thread, see
 * {@link RuntimeConfig.JavaExecution}) with the privileges its launch requested; what it
 * returns becomes the task's future value, and what it throws fails that future (and the tasks
 * that depend on it) with a {@link TaskFailedException} caused by the thrown exception.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface JavaTask<R> {
    /** {@return the task's result} @param ctx the task's context @throws Exception to fail the task */
    R run(TaskContext ctx) throws Exception;
}
