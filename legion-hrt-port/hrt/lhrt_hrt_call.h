/*
 * The ROS->HRT contract of the runtime's call server (lhrt_serve): how a JVM calls lhrt_*
 * functions in the HRT. Mirrored by the Java side (the hrt backend): change both together.
 * Every pointer passed is an address both sides see: the merged region (Java's memory at
 * the same address) or, read-only for Java, guest RAM (GPA == HRT address).
 *
 *   call(LHRT_HRT_FN_LOOKUP, name)     -> HRT address of global function `name` (a
 *                                          NUL-terminated string), 0 if there is none
 *   call(LHRT_HRT_FN_CALL, frame)      -> runs frame->fn with frame's arguments on the
 *                                          server's thread (short calls); returns rax, and
 *                                          fills frame's results
 *   call(LHRT_HRT_FN_CALL_ASYNC, frame) -> 0 at once; a new HRT thread runs the call (calls
 *                                          that block: waits, futures, runtime destroy) and
 *                                          stores frame->done = 1 after the results; then, if
 *                                          frame->notify is set, calls that ROS handler with
 *                                          the frame's address through the synchronous exit
 *                                          (hvm_ros_call_sync; so a JVM thread can sleep
 *                                          instead of polling done; set notify, fence, re-check
 *                                          done, then sleep)
 *   call(LHRT_HRT_FN_INFO, what[, cpu]) -> 0: CPUs the runtime uses, 1: HRT CPUs, 2: free RAM,
 *                                         (3: retired: the VMM's watchdog finds hung CPUs) 4: the
 *                                         address of "name (point i)" of the task CPU `cpu` runs
 *                                         (0: none), 5: calls the servers ran (CALL and
 *                                         CALL_POSTED), 6: the nanoseconds those took
 *   call(LHRT_HRT_FN_CALL_IF_READY, frame, future) -> 1 after running frame like CALL when
 *                                          future is ready already; 0 (nothing ran) when not:
 *                                          then send it through CALL_ASYNC
 *   post(LHRT_HRT_FN_CALL_POSTED, frame) -> runs frame->fn like CALL for a caller that does not
 *                                          wait (a posted ring call): results in the frame,
 *                                          then frame->done = 1
 *
 * Arguments follow the System V AMD64 ABI as if the JVM called fn itself: INTEGER-class
 * words in gpr[] (rdi rsi rdx rcx r8 r9), SSE-class in xmm[], MEMORY-class (structs over 16
 * bytes, overflow) in stack[] in order; a struct returned in memory takes its buffer's
 * address in gpr[0]. Callbacks into Java: pass the address of lhrt_hrt_external (LOOKUP)
 * to lhrt_runtime_set_external_executor with host = the ROS handler id; it calls that
 * handler with (task ctx, task id, variant user) over the request ring, and the JVM ends
 * the task later with lhrt_task_complete (lhrt_task_register of a JVM variant takes the
 * address of lhrt_hrt_jvm_variant as its function). Or, without HRT->ROS requests: queue mode
 * (lhrt_runtime_use_external_queue) with JVM threads calling lhrt_runtime_poll_external
 * through CALL_ASYNC. lhrt_hrt_ros_notify(user, status) (e.g. for lhrt_future_on_ready)
 * calls handler user >> 48 with (user & 0xffffffffffff, status).
 *
 * Native variants in shared libraries: the HRT has no files, so before the first
 * lhrt_task_register_native_symbol naming a library, the JVM calls
 * lhrt_hrt_module_load(library, bytes, len) (a status function, CALL) with the bytes of that
 * library's ELF file in the merged region; the HRT loads it as a module (relocated, bound to
 * the image's functions) and later lookups with that library name search the module.
 * lhrt_hrt_module_bias(library) then gives where it was placed (symbol address = bias + value),
 * so the ROS can name the module's function a failing rip lies in.
 */
#ifndef LHRT_HRT_CALL_H
#define LHRT_HRT_CALL_H
#include <stdint.h>

enum lhrt_hrt_fn {
  LHRT_HRT_FN_LOOKUP = 16,
  LHRT_HRT_FN_CALL = 17,
  LHRT_HRT_FN_CALL_ASYNC = 18,
  LHRT_HRT_FN_INFO = 19,
  LHRT_HRT_FN_CALL_IF_READY = 20,
  LHRT_HRT_FN_CALL_POSTED = 21,
};

#define LHRT_HRT_MAX_STACK  32
#define LHRT_HRT_ERR_MAX    256
#define LHRT_HRT_F_STATUS   1   /* fn returns lhrt_status_t: on non-zero, err = lhrt_last_error() */

struct lhrt_hrt_frame {
  uint64_t fn;                          /* 0x000 from LOOKUP */
  uint32_t nstack;                      /* 0x008 words used in stack[] */
  uint32_t flags;                       /* 0x00c LHRT_HRT_F_* */
  uint64_t gpr[6];                      /* 0x010 */
  uint64_t xmm[8];                      /* 0x040 low 64 bits of xmm0..7 */
  uint64_t rax, rdx;                    /* 0x080 results */
  uint64_t xmm0, xmm1;                  /* 0x090 */
  volatile uint32_t done;               /* 0x0a0 CALL_ASYNC: 1 once the results are in */
  volatile uint32_t notify;             /* 0x0a4 CALL_ASYNC: ROS handler told (frame) after done, 0 = none */
  uint64_t stack[LHRT_HRT_MAX_STACK];   /* 0x0a8 */
  char err[LHRT_HRT_ERR_MAX];           /* 0x1a8 */
};

_Static_assert(__builtin_offsetof(struct lhrt_hrt_frame, rax) == 0x80, "frame layout");
_Static_assert(__builtin_offsetof(struct lhrt_hrt_frame, done) == 0xa0, "frame layout");
_Static_assert(__builtin_offsetof(struct lhrt_hrt_frame, notify) == 0xa4, "frame layout");
_Static_assert(__builtin_offsetof(struct lhrt_hrt_frame, stack) == 0xa8, "frame layout");
_Static_assert(__builtin_offsetof(struct lhrt_hrt_frame, err) == 0x1a8, "frame layout");
_Static_assert(sizeof(struct lhrt_hrt_frame) == 0x2a8, "frame layout");

#endif
