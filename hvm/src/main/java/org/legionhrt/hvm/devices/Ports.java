/*
 * The HVM's I/O ports (nautilus/include/hrt/boot.h, plus two of hvm_comm.h). At CPL3 every
 * `out` is a VM exit costing microseconds, so these carry rare events only.
 */
package org.legionhrt.hvm.devices;

/** Port numbers served by {@link PortBus}. */
public final class Ports {
    /** 16550 COM1 base (transmit register). */
    public static final int COM1 = 0x3f8;
    /** Exit: 32-bit code (QEMU isa-debug-exit compatible). */
    public static final int EXIT = 0xf4;
    /** Doze: 32-bit cpu index; the vCPU parks until its doorbell rings. */
    public static final int DOZE = 0x500;
    /** Panic: 32-bit guest address of a NUL-terminated message. */
    public static final int PANIC = 0x501;
    /** Hypercall: 32-bit cpu index; run the CPU's synchronous HRT->ROS request. */
    public static final int HYPERCALL = 0x502;
    /** Ready: 32-bit count of CPUs up. */
    public static final int READY = 0x503;
    /** Kick: 32-bit cpu index to wake (used when that CPU is dozing). */
    public static final int KICK = 0x504;
    /** Call done: 32-bit call-slot index answered on the exit path. */
    public static final int CALL_DONE = 0x505;
    /** ROS wake: a request was posted while the ROS's request threads were parked. */
    public static final int ROS_WAKE = 0x506;

    private Ports() {
    }
}
