/*
 * HVM services of the deprivileged kernel, for kernel code and the runtime's nautilus
 * platform: register functions the ROS (the JVM) may call through the call ring, and ask
 * the ROS to run a registered Java handler, through the request ring (no VM exit) or
 * synchronously through an exit. In every image our VMM boots (arch/hvm/). The kernel serves calls when
 * booted with tests=hvm_serve (hvm_servers=N: one server thread on each of N CPUs).
 */
#ifndef HVM_SERVICES_H
#define HVM_SERVICES_H

#include <stdint.h>
#include "hvm_comm.h"

#define HVM_FN_MAX 256

/* A callable function: args are the call's four words; store the answer in *result and
 * return 0, or return non-zero (the caller sees status FAILED with *result as the code). */
typedef int (*hvm_call_fn)(const uint64_t args[HVM_MAX_ARGS], uint64_t *result);

/* Built-in function ids (the Java side names the same numbers). */
enum hvm_builtin {
    HVM_FN_NULL = 0,        /* () -> 0 */
    HVM_FN_ECHO = 1,        /* (x) -> x */
    HVM_FN_FILL = 2,        /* (u64 *p, n, v) -> n; p[i] = v + i, p in the merged region */
    HVM_FN_SUM = 3,         /* (u64 *p, n) -> sum of p[0..n) */
    HVM_FN_SPAWN_JOIN = 4,  /* (n) -> n; spawns n kernel threads (any CPU), joins them all */
    HVM_FN_ROS_RING = 5,    /* (handler, x) -> what ROS handler `handler` returns for x (ring) */
    HVM_FN_ROS_EXIT = 6,    /* (handler, x) -> the same, through the hypercall exit */
    HVM_FN_STOP = 7,        /* () -> 0; the call servers return after answering */
    HVM_FN_FIRST_FREE = 16, /* ids from here on are free for other kernel code */
};

/* Register fn under id (< HVM_FN_MAX); returns 0, or -1 if the id is taken or too large. */
int hvm_call_register(uint32_t id, hvm_call_fn fn);

/* Ask the ROS to run handler `fn` with up to four args. Ring path: no VM exit, waits by
 * polling (yielding to ready threads); when no ROS thread is polling the ring it takes the
 * synchronous exit instead (cheaper than waking one). Returns 0 and the answer in *result,
 * or the status. */
int hvm_ros_call(uint32_t fn, const uint64_t *args, int nargs, uint64_t *result);
/* The same through a synchronous exit (the vCPU thread runs the handler). */
int hvm_ros_call_sync(uint32_t fn, const uint64_t *args, int nargs, uint64_t *result);

#endif /* HVM_SERVICES_H */
