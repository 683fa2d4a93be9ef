package org.legionhrt.legion;

import java.util.Set;

/**
 * Placement policy: which worker runs a task, which variant (Java or native) it uses, how
 * index launches are sliced. Implement only what you want to change: a method left as
 * inherited keeps the runtime's built-in default mapper for that decision (it is not even
 * called from native code). Install with {@link Runtime#setMapper}. Methods run on runtime
 * threads, must be fast and must not block; an exception is logged and the default used.
 */
public interface Mapper {

    /** The runtime's default mapper: every decision native. */
    Mapper DEFAULT = new Mapper() { };

    /** {@return the worker (0..workers-1) to run the task on} @param info the task */
    default int selectWorker(TaskInfo info) {
        return Math.max(0, info.launchingWorker());
    }

    /**
     * {@return the variant kind to run} Called once per launch (for an index launch, for all
     * its points: {@code info.point()} is then (0)); a launcher's {@code prefer} narrows
     * {@code available} to the preferred kind when the task has it.
     *
     * @param info      the task
     * @param available the kinds registered for it (NATIVE, JAVA)
     */
    default Variant selectVariant(TaskInfo info, Set<Variant> available) {
        return available.contains(Variant.NATIVE) ? Variant.NATIVE : Variant.JAVA;
    }

    /**
     * {@return whether the instances of root region {@code root} (fields in {@code fieldMask},
     * bit i = field id i) are laid out array-of-structures instead of structure-of-arrays}
     *
     * @param root      the root region being instantiated (its tree id)
     * @param fieldMask the fields of the instance
     * @param proposed  the default mapper's choice
     */
    default boolean chooseArrayOfStructs(int root, long fieldMask, boolean proposed) {
        return proposed;
    }

    /** {@return how to slice an index launch} @param info the launch @param proposed the default mapper's proposal */
    default Slicing slice(TaskInfo info, Slicing proposed) {
        return proposed;
    }
}
