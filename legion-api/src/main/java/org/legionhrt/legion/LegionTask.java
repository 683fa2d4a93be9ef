package org.legionhrt.legion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a task body for {@link Runtime#registerTasks(Object)}. The method takes one
 * {@link TaskContext} and returns {@code void}, {@code int}, {@code long}, {@code float},
 * {@code double} (or their boxes), {@code String} or {@code byte[]}; the result type of the task
 * follows. {@snippet :
 * class Kernels {
 *     @LegionTask("square")
 *     long square(TaskContext ctx) { long x = ctx.args(ValueType.LONG); return x * x; }
 * }
 * Map<String, TaskId<?>> ids = rt.registerTasks(new Kernels());
 * }
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface LegionTask {
    /** {@return the task's name; the method's name when empty} */
    String value() default "";

    /** {@return the task id; a fresh one when -1} */
    int id() default -1;
}
