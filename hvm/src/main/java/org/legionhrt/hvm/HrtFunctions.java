/*
 * Ids of the functions the kernel's call server offers built in
 * (nautilus/arch/hvm/hvm_services.h, enum hvm_builtin): keep both lists equal.
 */
package org.legionhrt.hvm;

/** Built-in HRT function ids for {@link Hvm#call(int, long...)}. */
public final class HrtFunctions {
    /** () -> 0. */
    public static final int NULL = 0;
    /** (x) -> x. */
    public static final int ECHO = 1;
    /** (address, n, v) -> n; writes v + i to the i-th u64 at address (merged region). */
    public static final int FILL = 2;
    /** (address, n) -> the sum of n u64 at address. */
    public static final int SUM = 3;
    /** (n) -> n; spawns n kernel threads on any CPU and joins them. */
    public static final int SPAWN_JOIN = 4;
    /** (handler, x) -> what ROS handler {@code handler} returns for x, asked through the request ring. */
    public static final int ROS_RING = 5;
    /** (handler, x) -> the same, asked through a synchronous VM exit. */
    public static final int ROS_EXIT = 6;
    /** () -> 0; the call server returns and the kernel exits with code 0. */
    public static final int STOP = 7;
    /** The first id free for other kernel code. */
    public static final int FIRST_FREE = 16;
    /** The command line that makes the kernel serve calls. */
    public static final String SERVE_CMDLINE = "tests=hvm_serve";

    private HrtFunctions() {
    }
}
