package org.legionhrt.legion;

/**
 * A registered task: its id, its name and the type of its result. Returned by
 * {@link Runtime#registerTask} and used to build launchers, so that futures are typed.
 *
 * @param id         the runtime's task id (what C code and mappers see)
 * @param name       the task's name (messages, logs)
 * @param resultType how the task's result is encoded
 * @param <R>        the result type
 */
public record TaskId<R>(int id, String name, ValueType<R> resultType) {}
