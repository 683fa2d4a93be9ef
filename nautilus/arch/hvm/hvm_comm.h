/*
 * The HVM communication area (boot_info.comm): per-CPU doorbells and synchronous request
 * blocks, the ROS->HRT call ring and the HRT->ROS request ring, plus the two ports our VMM
 * adds to boot.h's. Mirrored by hvm/.../ring/CommLayout.java: change both together.
 */
#ifndef HVM_COMM_H
#define HVM_COMM_H

#include <stdint.h>

#define HVM_COMM_MAGIC      0x314d4d4f434d5648ull   /* "HVMCOMM1" */
#define HVM_COMM_VERSION    4   /* 2: the VMM publishes exit-path answers (CALL_DONE); 3: per-CPU progress; 4: per-CPU labels */

#define HVM_PORT_KICK       0x504   /* 32-bit cpu index: unpark that (dozing) CPU */
#define HVM_PORT_CALL_DONE  0x505   /* 32-bit call-slot index answered on the exit path (the VMM publishes its seq) */
#define HVM_PORT_ROS_WAKE   0x506   /* a request was posted while ROS servers were parked */

#define HVM_CALL_NSLOTS     256
#define HVM_REQ_NSLOTS      64
#define HVM_MAX_ARGS        4

/* Slot states: seq = 4 * lap + state. */
#define HVM_SLOT_FREE       0
#define HVM_SLOT_POSTED     1
#define HVM_SLOT_DONE       2
#define HVM_FLAG_EXIT_PATH  1       /* call slot: answer with an out to HVM_PORT_CALL_DONE */
#define HVM_FLAG_NO_ANSWER  2       /* call slot: posted, nobody waits; the server frees the slot */

#define HVM_STATUS_OK           0
#define HVM_STATUS_NO_FUNCTION  1
#define HVM_STATUS_FAILED       2

/* One cache line: a call (ROS->HRT) or a request (HRT->ROS). */
struct hvm_slot {
    volatile uint64_t seq;
    uint32_t fn;
    uint32_t flags;
    uint64_t args[HVM_MAX_ARGS];
    uint64_t result;
    uint32_t status;
    uint32_t pad;
} __attribute__((aligned(64)));

/* Per-CPU block: doze handshake, the synchronous (exit-path) HRT->ROS request, and the
 * CPU's progress for the VMM's watchdog: switches << 1 | 1 while a thread other than the idle
 * one runs. Busy with a count that stands still: one thread keeps the CPU (scheduling is
 * cooperative). */
struct hvm_cpu_block {
    volatile uint32_t dozing;       /* 1 while parked or about to park in the VMM */
    volatile uint32_t wake;         /* set by a waker; cleared by the CPU when it looks */
    uint32_t sync_fn;
    uint32_t sync_status;
    uint64_t sync_args[HVM_MAX_ARGS];
    uint64_t sync_result;
    volatile uint64_t progress;
} __attribute__((aligned(64)));

struct hvm_comm {
    uint64_t magic;
    uint32_t version;
    uint32_t ncpus;
    uint32_t call_slots;
    uint32_t req_slots;
    volatile uint32_t stop;
    uint8_t pad0[0x40 - 28];
    struct hvm_cpu_block cpu[64];                   /* 0x40 */
    /* 0x1040: per CPU, the guest address of a NUL-terminated label of what it runs (0: none);
     * the VMM names it when that CPU fails (the runtime's port: the task of its current slice) */
    volatile uint64_t cpu_label[64];
    uint8_t pad1[0x2000 - 0x40 - 64 * 64 - 64 * 8];
    volatile uint64_t call_server_ticket;           /* 0x2000: call servers take tickets */
    volatile uint64_t call_server_mask;             /* CPUs that run a call server */
    uint8_t pad2[0x40 - 16];
    struct hvm_slot call[HVM_CALL_NSLOTS];          /* 0x2040 */
    uint8_t pad3[0x7000 - 0x2040 - HVM_CALL_NSLOTS * 64];
    volatile uint64_t req_head;                     /* 0x7000: HRT producers take tickets */
    volatile uint32_t req_ros_parked;               /* ROS server threads parked: wake by port */
    uint8_t pad4[0x40 - 12];
    struct hvm_slot req[HVM_REQ_NSLOTS];            /* 0x7040 */
};

_Static_assert(sizeof(struct hvm_slot) == 64, "slot is one cache line");
_Static_assert(sizeof(struct hvm_cpu_block) == 64, "CPU block is one cache line");
_Static_assert(__builtin_offsetof(struct hvm_cpu_block, progress) == 56, "progress offset");
_Static_assert(__builtin_offsetof(struct hvm_comm, cpu_label) == 0x1040, "CPU labels offset");
_Static_assert(__builtin_offsetof(struct hvm_comm, call_server_ticket) == 0x2000, "call ring offset");
_Static_assert(__builtin_offsetof(struct hvm_comm, call) == 0x2040, "call slots offset");
_Static_assert(__builtin_offsetof(struct hvm_comm, req_head) == 0x7000, "request ring offset");
_Static_assert(__builtin_offsetof(struct hvm_comm, req) == 0x7040, "request slots offset");
_Static_assert(sizeof(struct hvm_comm) <= 0xC000, "comm area fits the VMM's 48 KiB");

#endif /* HVM_COMM_H */
