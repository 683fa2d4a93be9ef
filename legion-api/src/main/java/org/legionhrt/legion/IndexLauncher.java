package org.legionhrt.legion;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Describes an index launch: one task per point of a launch domain, each given the subregions
 * its requirements project to. {@link Context#execute(IndexLauncher)} returns a
 * {@link FutureMap}; {@link Context#executeReduce} folds the point results into one future.
 * Points of one launch must not interfere (the runtime checks).
 *
 * @param <R> the task's result type
 */
public final class IndexLauncher<R> {
    final TaskId<R> task;
    final IndexSpace domain;
    byte[] args = new byte[0];
    final List<RegionRequirement> requirements = new ArrayList<>();
    final List<Future<?>> futures = new ArrayList<>();
    Variant prefer = Variant.ANY;

    private IndexLauncher(TaskId<R> task, IndexSpace domain) {
        this.task = Objects.requireNonNull(task, "task");
        this.domain = Objects.requireNonNull(domain, "domain");
    }

    /** {@return a launcher of {@code task} over the points of {@code domain}} */
    public static <R> IndexLauncher<R> of(TaskId<R> task, IndexSpace domain) {
        return new IndexLauncher<>(task, domain);
    }

    /** Sets the argument bytes every point gets (copied at launch). @return this launcher */
    public IndexLauncher<R> args(byte[] bytes) {
        this.args = bytes.clone();
        return this;
    }

    /** Sets the argument to {@code value} encoded by {@code type}. @return this launcher */
    public <A> IndexLauncher<R> args(ValueType<A> type, A value) {
        this.args = Launches.encode(type, value);
        return this;
    }

    /**
     * Adds a requirement: on a partition (each point gets its projected subregion) or on one
     * region for all points (READ_ONLY, REDUCE, or SIMULTANEOUS writes).

     * @return this launcher
     */
    public IndexLauncher<R> add(RegionRequirement req) {
        requirements.add(req);
        return this;
    }

    /** Adds a future argument every point waits for. @return this launcher */
    public IndexLauncher<R> addFuture(Future<?> f) {
        futures.add(Objects.requireNonNull(f));
        return this;
    }

    /** Asks for a variant kind (the mapper decides when ANY). @return this launcher */
    public IndexLauncher<R> prefer(Variant v) {
        this.prefer = Objects.requireNonNull(v);
        return this;
    }

    /** {@return the task launched} */
    public TaskId<R> task() {
        return task;
    }

    /** {@return the launch domain} */
    public IndexSpace domain() {
        return domain;
    }
}
