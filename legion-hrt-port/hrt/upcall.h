/*
 * Java callbacks of the runtime in the HRT (backend hrt): where the JVM installs a Java
 * function (reduction operator, projection functor, mapper method, future callback, external
 * executor), it passes one of these proxies instead, with `user` naming its JVM slot. A proxy
 * forwards the call to one ROS handler over the HVM's HRT->ROS request path and returns the
 * answer. Mirrored by legion-api/.../internal/HrtUpcalls.java: change both together.
 */
#ifndef LHRT_HRT_UPCALL_H
#define LHRT_HRT_UPCALL_H
#include <stdint.h>

/* What `user` points at for the redop, projection and mapper proxies (written by the JVM in
 * the merged region, read-only here). */
struct lhrt_hrt_upcall_desc {
  uint32_t slot[4];   /* redop: apply, fold; projection: fn; mapper: worker, kind, layout, slice */
  uint32_t elem_size; /* redop: bytes per element */
  uint32_t pad[3];
};
_Static_assert(sizeof(struct lhrt_hrt_upcall_desc) == 32, "upcall desc layout");

/* Called once by the JVM (CALL): the ROS handler id to ask, a pool of nbufs (<= 64) bounce
 * buffers of bufsize bytes each at pool (merged region), and the burst window: a request
 * starting less than burst_ns after the previous one ended goes through the request ring,
 * waking parked JVM threads, instead of hvm_ros_call's synchronous exit (0: never). Returns 0,
 * or -1 if bad. */
int32_t lhrt_hrt_upcall_setup(uint32_t handler, uint64_t pool, uint32_t nbufs, uint64_t bufsize, uint64_t burst_ns);

/*
 * Requests: args[0] = slot | cpu << 32 (the HRT CPU that waits: 0 is the call server's), then
 *   redop     lhs, rhs, count           (void)
 *   project   point, domain, color      -> int32 (0 = ok)
 *   worker    info                      -> int32
 *   kind      info, mask                -> uint32
 *   layout    root, mask, inout         (inout: lhrt_layout_t, then the root's tree id, u32)
 *   slice     info, inout               (void)
 *   ready     status                    (void; user is the slot itself)
 *   external  task ctx, task id, variant user   (void; host is the slot itself)
 * Every pointer passed lies in the merged region: the proxy copies HRT-private arguments
 * through a bounce buffer (and results back), splitting a long reduction into chunks.
 * A request that fails (status != 0) counts as a callback that did not run: the proxy uses
 * the runtime's default (projection: error 1; worker -1; kind ~0; inout unchanged; an
 * external task fails; a reduction leaves lhs unchanged and says so on the console).
 */
#endif
