package org.legionhrt.legion;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Describes one launch of a single task: which task, its argument bytes, its region
 * requirements and future arguments. Reusable and mutable (a builder); {@link Context#execute}
 * launches it and returns the task's future.
 *
 * @param <R> the task's result type
 */
public final class TaskLauncher<R> {
    final TaskId<R> task;
    byte[] args = new byte[0];
    final List<RegionRequirement> requirements = new ArrayList<>();
    final List<Future<?>> futures = new ArrayList<>();
    Variant prefer = Variant.ANY;

    private TaskLauncher(TaskId<R> task) {
        this.task = Objects.requireNonNull(task, "task");
    }

    /** {@return a launcher of {@code task}} */
    public static <R> TaskLauncher<R> of(TaskId<R> task) {
        return new TaskLauncher<>(task);
    }

    /** Sets the argument bytes (copied at launch). @return this launcher */
    public TaskLauncher<R> args(byte[] bytes) {
        this.args = bytes.clone();
        return this;
    }

    /** Sets the argument to {@code value} encoded by {@code type}. @return this launcher */
    public <A> TaskLauncher<R> args(ValueType<A> type, A value) {
        this.args = Launches.encode(type, value);
        return this;
    }

    /** Adds a region requirement (its index is the order of addition). @return this launcher */
    public TaskLauncher<R> add(RegionRequirement req) {
        if (req.partition() != null) {
            throw new IllegalArgumentException("single tasks take regions, not partitions");
        }
        requirements.add(req);
        return this;
    }

    /** Adds a future argument: the task waits for it and reads it with {@link TaskContext#futureValue}. @return this launcher */
    public TaskLauncher<R> addFuture(Future<?> f) {
        futures.add(Objects.requireNonNull(f));
        return this;
    }

    /** Asks for a variant kind (the mapper decides when ANY). @return this launcher */
    public TaskLauncher<R> prefer(Variant v) {
        this.prefer = Objects.requireNonNull(v);
        return this;
    }

    /** {@return the task launched} */
    public TaskId<R> task() {
        return task;
    }
}
