/*
 * Layout of the HVM communication area (boot_info.comm, in the guest's reserved low memory):
 * per-CPU doorbells, the ROS->HRT call ring and the HRT->ROS request ring. Mirrored by
 * nautilus/arch/hvm/hvm_comm.h: change both together and bump VERSION.
 */
package org.legionhrt.hvm.ring;

/** Offsets inside the communication area; every slot is one 64-byte cache line. */
public final class CommLayout {
    /** "HVMCOMM1". */
    public static final long MAGIC = 0x314d4d4f434d5648L;
    /** Layout version. */
    public static final int VERSION = 4;   // 2: the VMM publishes exit-path answers (CALL_DONE); 3: per-CPU progress; 4: per-CPU labels

    /** Header: u64 magic, u32 version, u32 ncpus, u32 call_slots, u32 req_slots. */
    public static final long HDR_MAGIC = 0;
    /** Header field. */
    public static final long HDR_VERSION = 8;
    /** Header field. */
    public static final long HDR_NCPUS = 12;
    /** Header field. */
    public static final long HDR_CALL_SLOTS = 16;
    /** Header field. */
    public static final long HDR_REQ_SLOTS = 20;
    /** Header field: the VMM asks the kernel to stop its call servers (u32). */
    public static final long HDR_STOP = 24;

    /** Per-CPU blocks (64 bytes each) start here. */
    public static final long CPU = 0x40;
    /** Size of a per-CPU block. */
    public static final long CPU_STRIDE = 64;
    /** u32: 1 while the CPU is (about to be) parked in the VMM. */
    public static final long CPU_DOZING = 0;
    /** u32: set by a waker; the CPU clears it when it looks for work. */
    public static final long CPU_WAKE = 4;
    /** u32: a synchronous HRT->ROS request's handler id. */
    public static final long CPU_SYNC_FN = 8;
    /** u32: status of the synchronous request (0 ok, else an error). */
    public static final long CPU_SYNC_STATUS = 12;
    /** u64[4]: arguments of the synchronous request. */
    public static final long CPU_SYNC_ARGS = 16;
    /** u64: result of the synchronous request. */
    public static final long CPU_SYNC_RESULT = 48;
    /** u64: the CPU's switch count << 1 | 1 while it runs a thread other than its idle one (the watchdog's). */
    public static final long CPU_PROGRESS = 56;
    /** u64[64]: per CPU, the guest address of a NUL-terminated label of what it runs (0: none). */
    public static final long CPU_LABELS = 0x1040;

    /** Call ring header: u64 server_ticket, u64 server_mask (CPUs running a call server). */
    public static final long CALL = 0x2000;
    /** Call ring header field. */
    public static final long CALL_SERVER_TICKET = CALL;
    /** Call ring header field. */
    public static final long CALL_SERVER_MASK = CALL + 8;
    /** Call slots (cache lines) start here. */
    public static final long CALL_SLOTS = CALL + 0x40;
    /** Number of call slots (a power of two). */
    public static final int CALL_NSLOTS = 256;

    /** Request ring header: u64 head (HRT producers claim tickets), u32 ros_parked. */
    public static final long REQ = 0x7000;
    /** Request ring header field. */
    public static final long REQ_HEAD = REQ;
    /** Request ring header field: number of ROS server threads parked (the HRT then exits to wake them). */
    public static final long REQ_ROS_PARKED = REQ + 8;
    /** Request slots start here. */
    public static final long REQ_SLOTS = REQ + 0x40;
    /** Number of request slots (a power of two). */
    public static final int REQ_NSLOTS = 64;

    /** Slot: u64 sequence (4 * lap + state; state 0 free, 1 posted, 2 done). */
    public static final long SLOT_SEQ = 0;
    /** Slot: u32 function or handler id. */
    public static final long SLOT_FN = 8;
    /** Slot: u32 flags (call ring: bit 0 = answer through the exit path). */
    public static final long SLOT_FLAGS = 12;
    /** Slot: u64[4] arguments. */
    public static final long SLOT_ARGS = 16;
    /** Slot: u64 result. */
    public static final long SLOT_RESULT = 48;
    /** Slot: u32 status (0 ok, else an HRT error code). */
    public static final long SLOT_STATUS = 56;
    /** Slot size. */
    public static final long SLOT_SIZE = 64;
    /** Maximum arguments per call. */
    public static final int MAX_ARGS = 4;

    /** Slot state: posted by the requester. */
    public static final int POSTED = 1;
    /** Slot state: answered. */
    public static final int DONE = 2;
    /** Slot flag: the requester waits for a CALL_DONE exit instead of polling. */
    public static final int FLAG_EXIT_PATH = 1;
    /** Slot flag: a posted call; nobody waits for its answer and the server frees the slot itself. */
    public static final int FLAG_NO_ANSWER = 2;

    /** Call status: success. */
    public static final int STATUS_OK = 0;
    /** Call status: no function with that id is registered. */
    public static final int STATUS_NO_FUNCTION = 1;
    /** Call status: the function failed (its result is an error code). */
    public static final int STATUS_FAILED = 2;

    private CommLayout() {
    }
}
