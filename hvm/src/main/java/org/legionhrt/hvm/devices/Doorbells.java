/*
 * Doze and wake for HRT CPUs. An idle CPU sets its `dozing` word, re-checks `wake`, and
 * exits through the doze port; its vCPU thread parks here until `wake` is set by the ROS
 * (a posted call) or by another CPU (the kick port). A doze is bounded (10 ms): a lost unpark
 * or wake costs time, never a hang. Wakers unpark after setting `wake` and LockSupport keeps
 * an unpark that comes before the park, so the bound is a safety net, not a poll: a shorter one
 * (it was 1 ms) cost the call-server vCPU ~5% of a host core while idle.
 */
package org.legionhrt.hvm.devices;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import java.util.concurrent.locks.LockSupport;

import org.legionhrt.hvm.kvm.Vcpu;
import org.legionhrt.hvm.ring.CommLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The per-CPU doorbells of the communication area; thread safe. */
public final class Doorbells {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long PARK_NANOS = 10_000_000;
    /** Longest single doze; then the guest looks at its run queue again. */
    public static final long MAX_DOZE_NANOS = 10_000_000;

    private final MemorySegment comm;
    private final AtomicReferenceArray<Vcpu> vcpus;
    /** Wakes a CPU that halted inside KVM (ring0: an interrupt); null: its thread parks here. */
    private volatile IntConsumer interrupt;
    private final AtomicLong interruptsSent = new AtomicLong();

    /** Creates doorbells over {@code comm} for {@code ncpus} CPUs. */
    public Doorbells(MemorySegment comm, int ncpus) {
        this.comm = comm;
        this.vcpus = new AtomicReferenceArray<>(ncpus);
    }

    /**
     * Rings doorbells by interrupt: for a ring0 kernel, whose dozing CPU halts inside KVM
     * instead of parking its thread here. {@code send} gets the CPU index.
     */
    public void useInterrupts(IntConsumer send) {
        this.interrupt = send;
    }

    /** {@return the doorbells rung by interrupt so far} */
    public long interruptsSent() {
        return interruptsSent.get();
    }

    /** Registers the vCPU that serves CPU {@code cpu}. */
    public void attach(Vcpu v) {
        vcpus.set(v.index(), v);
    }

    private static long at(int cpu, long field) {
        return CommLayout.CPU + cpu * CommLayout.CPU_STRIDE + field;
    }

    /**
     * Parks the calling vCPU thread until its doorbell rings, the vCPU is stopped, or at most
     * {@link #MAX_DOZE_NANOS}: the kernel treats a return as possibly spurious and re-checks
     * its run queue, so a lost wake-up costs at most that long, never a hang.
     */
    public void doze(Vcpu v) {
        int cpu = v.index();
        long until = System.nanoTime() + MAX_DOZE_NANOS;
        v.enterDoze();
        try {
            while (!v.stopRequested() && (int) INT.getVolatile(comm, at(cpu, CommLayout.CPU_WAKE)) == 0
                    && System.nanoTime() - until < 0) {
                LockSupport.parkNanos(this, PARK_NANOS);
            }
        } finally {
            INT.setVolatile(comm, at(cpu, CommLayout.CPU_DOZING), 0);
            v.leaveDoze();
        }
    }

    /** Rings CPU {@code cpu}'s doorbell: sets wake and unparks its thread if it dozes. */
    public void wake(int cpu) {
        if (cpu < 0 || cpu >= vcpus.length()) {
            return;
        }
        INT.setVolatile(comm, at(cpu, CommLayout.CPU_WAKE), 1);
        VarHandle.fullFence();
        if ((int) INT.getVolatile(comm, at(cpu, CommLayout.CPU_DOZING)) != 0) {
            IntConsumer send = interrupt;
            if (send != null) {
                send.accept(cpu);
                interruptsSent.incrementAndGet();
            } else {
                unpark(cpu);
            }
        }
    }

    /** Unparks CPU {@code cpu}'s thread (a kick from another CPU that already set wake). */
    public void unpark(int cpu) {
        if (cpu < 0 || cpu >= vcpus.length()) {
            return;
        }
        Vcpu v = vcpus.get(cpu);
        Thread t = v == null ? null : v.thread();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** {@return true if CPU {@code cpu} has announced it is dozing} */
    public boolean dozing(int cpu) {
        return (int) INT.getVolatile(comm, at(cpu, CommLayout.CPU_DOZING)) != 0;
    }
}
