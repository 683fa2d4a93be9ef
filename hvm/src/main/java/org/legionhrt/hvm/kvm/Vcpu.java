/*
 * One virtual CPU: its fd, its kvm_run page, its registers, and the platform thread that
 * runs KVM_RUN and dispatches exits. The lifecycle is an explicit state machine:
 *
 *   CREATED --start--> RUNNING <--doze/wake--> DOZING
 *   RUNNING|DOZING --guest exit, fault, or stop()--> STOPPED
 *
 * stop() sets immediate_exit and sends SIGPIPE (ignored by HotSpot) to the thread so a
 * guest spinning in KVM_RUN returns with EINTR; the thread then records the register state.
 * Threads come from a process-wide pool of platform threads, so booting again is cheap.
 */
package org.legionhrt.hvm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.internal.Sys;
import org.legionhrt.hvm.internal.SysException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** A vCPU of a {@link Vm}; configured by the owner, then run on its own platform thread. */
public final class Vcpu implements AutoCloseable {
    /** Lifecycle states; see the file comment. */
    public enum State {
        /** Created, registers being set. */
        CREATED,
        /** Its thread is in or around KVM_RUN. */
        RUNNING,
        /** Its thread is parked in the VMM until a doorbell. */
        DOZING,
        /** Its thread has ended (or never started and was closed). */
        STOPPED,
    }

    private final int index;
    private final int fd;
    private final long runAddress;
    private final long runSize;
    private final MemorySegment run;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment regsBuf = arena.allocate(KvmApi.REGS_SIZE, 8);
    private final MemorySegment sregsBuf = arena.allocate(KvmApi.SREGS_SIZE, 8);
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private volatile boolean stopRequested;
    private final Object killLock = new Object();
    private long pthread;
    private volatile VcpuState lastState;
    private volatile Thread thread;
    private volatile boolean started;
    private volatile java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private boolean closed;

    /** Platform threads for vCPUs, reused across VMs (a thread start costs ~0.1 ms or more). */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().name("hvm-vcpu-pool-", 0).daemon(true).factory());

    Vcpu(int index, int fd, int mmapSize) {
        this.index = index;
        this.fd = fd;
        this.runSize = mmapSize;
        try {
            this.runAddress = Sys.mmap(0, mmapSize, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0);
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, "mmap of kvm_run for vCPU " + index + " failed: " + e.getMessage(), e);
        }
        this.run = Sys.segment(runAddress, runSize, arena);
    }

    /** {@return this vCPU's index} */
    public int index() {
        return index;
    }

    /** {@return the lifecycle state} */
    public State state() {
        return state.get();
    }

    /** {@return the register state recorded when the thread stopped, or null} */
    public VcpuState lastState() {
        return lastState;
    }

    void setCpuid(MemorySegment cpuid) {
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SET_CPUID2, cpuid), "KVM_SET_CPUID2");
    }

    /** {@return the guest TSC frequency in kHz (KVM_GET_TSC_KHZ), or 0 when unknown} */
    public long tscKhz() {
        return Math.max(Sys.ioctlRaw(fd, KvmApi.KVM_GET_TSC_KHZ, 0), 0);
    }

    /** Sets the general registers: rip, rsp, rdi, rsi, rflags (all others zero). */
    public void setRegs(long rip, long rsp, long rdi, long rsi, long rflags) {
        regsBuf.fill((byte) 0);
        regsBuf.set(JAVA_LONG, 4 * 8, rsi);
        regsBuf.set(JAVA_LONG, 5 * 8, rdi);
        regsBuf.set(JAVA_LONG, 6 * 8, rsp);
        regsBuf.set(JAVA_LONG, 16 * 8, rip);
        regsBuf.set(JAVA_LONG, 17 * 8, rflags);
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SET_REGS, regsBuf), "KVM_SET_REGS vCPU " + index);
    }

    /**
     * Sets every general register from {@code gprs}, in {@link VcpuState}'s order (rax, rbx,
     * rcx, rdx, rsi, rdi, rsp, rbp, r8..r15, rip, rflags; missing values are zero).
     */
    public void setRegisters(long[] gprs) {
        regsBuf.fill((byte) 0);
        for (int i = 0; i < Math.min(gprs.length, 18); i++) {
            regsBuf.set(JAVA_LONG, i * 8L, gprs[i]);
        }
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SET_REGS, regsBuf), "KVM_SET_REGS vCPU " + index);
    }

    /**
     * {@return KVM's multiprocessor state of this vCPU} (KVM_GET_MP_STATE with an in-kernel
     * irqchip: 0 runnable, 1 waiting for INIT/SIPI, 2 received INIT, 3 halted, 4 got SIPI),
     * or -1 when KVM does not say.
     */
    public int mpState() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(4, 4);
            return Sys.ioctlRaw(fd, KvmApi.KVM_GET_MP_STATE, s) < 0 ? -1 : s.get(JAVA_INT, 0);
        }
    }

    /** Reads the special registers, lets {@code edit} change them, and writes them back. */
    public void editSregs(java.util.function.Consumer<Sregs> edit) {
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_GET_SREGS, sregsBuf), "KVM_GET_SREGS vCPU " + index);
        edit.accept(new Sregs(sregsBuf));
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SET_SREGS, sregsBuf), "KVM_SET_SREGS vCPU " + index
                + " (long mode refused? CPUID must be set first)");
    }

    /** {@return a snapshot of the registers}; only valid while the vCPU is not in KVM_RUN. */
    public VcpuState snapshot(String exit) {
        long[] g = new long[18];
        if (Sys.ioctlRaw(fd, KvmApi.KVM_GET_REGS, regsBuf) >= 0) {
            for (int i = 0; i < 18; i++) {
                g[i] = regsBuf.get(JAVA_LONG, i * 8L);
            }
        }
        Sys.ioctlRaw(fd, KvmApi.KVM_GET_SREGS, sregsBuf);
        Sregs s = new Sregs(sregsBuf);
        return new VcpuState(index, exit, g, s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer(),
                sregsBuf.get(JAVA_SHORT, 12) & 0xffff);
    }

    /** Starts running the vCPU on a pooled platform thread; see {@link #start(ExitHandler, int)}. */
    public void start(ExitHandler handler) {
        start(handler, 0);
    }

    /**
     * Starts running the vCPU on a pooled platform thread (named {@code hvm-vcpu-N} meanwhile)
     * at host nice value {@code nice} (0 = unchanged; below 0 favours the HRT's cores over the
     * host's other work, as dedicated cores would, and needs CAP_SYS_NICE).
     */
    public synchronized void start(ExitHandler handler, int nice) {
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("vCPU " + index + " already started");
        }
        started = true;
        POOL.execute(() -> {
            Thread me = Thread.currentThread();
            String name = me.getName();
            me.setName("hvm-vcpu-" + index);
            if (nice != 0) {
                Sys.setThreadNice(nice);
            }
            try {
                loop(handler);
            } finally {
                if (nice != 0) {
                    Sys.setThreadNice(0);
                }
                me.setName(name);
                done.countDown();
            }
        });
    }

    private void loop(ExitHandler handler) {
        synchronized (killLock) {
            pthread = Sys.pthreadSelf();
            thread = Thread.currentThread();
        }
        HvmException failure = null;
        try {
            failure = runUntilStopped(handler);
        } catch (HvmException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = new HvmException(HvmException.Kind.INTERNAL_ERROR, "vCPU " + index + " thread failed: " + e, e);
        } finally {
            if (lastState == null) {
                lastState = snapshot(failure == null ? "stopped" : failure.kind().name());
            }
            synchronized (killLock) {
                pthread = 0;   // from here on nobody may signal this thread: it goes back to the pool
                thread = null;
            }
            state.set(State.STOPPED);
            handler.stopped(this, failure);
        }
    }

    private HvmException runUntilStopped(ExitHandler handler) {
        while (!stopRequested) {
            int rc = Sys.ioctlRaw(fd, KvmApi.KVM_RUN, 0);
            if (rc < 0) {
                if (-rc == Sys.EINTR || -rc == Sys.EAGAIN) {
                    continue;
                }
                return fail(HvmException.Kind.KVM, "KVM_RUN failed: " + Sys.strerror(-rc));
            }
            int reason = run.get(JAVA_INT, KvmApi.RUN_EXIT_REASON);
            if (reason == KvmApi.EXIT_IO) {
                if (serveIo(handler) == ExitHandler.Action.STOP) {
                    return null;
                }
            } else if (reason != KvmApi.EXIT_INTR) {
                return unexpectedExit(reason);
            }
        }
        return null;
    }

    private ExitHandler.Action serveIo(ExitHandler handler) {
        int dir = run.get(JAVA_BYTE, KvmApi.RUN_IO_DIRECTION);
        int size = run.get(JAVA_BYTE, KvmApi.RUN_IO_SIZE);
        int port = run.get(JAVA_SHORT, KvmApi.RUN_IO_PORT) & 0xffff;
        int count = run.get(JAVA_INT, KvmApi.RUN_IO_COUNT);
        long off = run.get(JAVA_LONG, KvmApi.RUN_IO_DATA_OFFSET);
        for (int i = 0; i < count; i++) {
            long at = off + (long) i * size;
            if (dir == KvmApi.IO_OUT) {
                int value = switch (size) {
                    case 1 -> run.get(JAVA_BYTE, at) & 0xff;
                    case 2 -> run.get(JAVA_SHORT, at) & 0xffff;
                    default -> run.get(JAVA_INT, at);
                };
                if (handler.out(this, port, size, value) == ExitHandler.Action.STOP) {
                    return ExitHandler.Action.STOP;
                }
            } else {
                int value = handler.in(this, port, size);
                switch (size) {
                    case 1 -> run.set(JAVA_BYTE, at, (byte) value);
                    case 2 -> run.set(JAVA_SHORT, at, (short) value);
                    default -> run.set(JAVA_INT, at, value);
                }
            }
        }
        return ExitHandler.Action.CONTINUE;
    }

    private HvmException unexpectedExit(int reason) {
        String name = KvmApi.exitName(reason);
        return switch (reason) {
            case KvmApi.EXIT_SHUTDOWN -> fail(HvmException.Kind.SHUTDOWN, "vCPU " + index
                    + " triple-faulted (KVM_EXIT_SHUTDOWN): the guest took an exception it could not deliver"
                    + " (at CPL3 under PVM: any exception, or a privileged instruction)");
            case KvmApi.EXIT_MMIO -> fail(HvmException.Kind.UNEXPECTED_EXIT, String.format(
                    "vCPU %d touched unmapped guest-physical address %#x (%s, %d bytes)", index,
                    run.get(JAVA_LONG, KvmApi.RUN_MMIO_ADDR),
                    run.get(JAVA_BYTE, KvmApi.RUN_MMIO_IS_WRITE) != 0 ? "write" : "read",
                    run.get(JAVA_INT, KvmApi.RUN_MMIO_LEN)));
            case KvmApi.EXIT_FAIL_ENTRY -> fail(HvmException.Kind.INTERNAL_ERROR, String.format(
                    "vCPU %d: KVM could not enter the guest (hardware reason %#x)", index,
                    run.get(JAVA_LONG, KvmApi.RUN_FAIL_REASON)));
            case KvmApi.EXIT_INTERNAL_ERROR -> fail(HvmException.Kind.INTERNAL_ERROR, String.format(
                    "vCPU %d: KVM internal error, suberror %d", index, run.get(JAVA_INT, KvmApi.RUN_INTERNAL_SUBERROR)));
            case KvmApi.EXIT_HLT -> fail(HvmException.Kind.UNEXPECTED_EXIT, "vCPU " + index + " executed hlt");
            case KvmApi.EXIT_SYSTEM_EVENT -> fail(HvmException.Kind.SHUTDOWN, "vCPU " + index
                    + " requested a system event (type " + run.get(JAVA_INT, KvmApi.RUN_SYSTEM_EVENT_TYPE) + ")");
            default -> fail(HvmException.Kind.UNEXPECTED_EXIT, "vCPU " + index + " left the guest with " + name);
        };
    }

    private HvmException fail(HvmException.Kind kind, String message) {
        lastState = snapshot(kind.name());
        return new HvmException(kind, message, lastState, java.util.List.of(), null);
    }

    /**
     * Makes a stopped vCPU startable again (for a reboot of the HRT): clears the stop request
     * and immediate_exit; the caller then sets its registers and starts it.
     *
     * @throws IllegalStateException unless the vCPU is stopped
     */
    public synchronized void reset() {
        if (started && done.getCount() != 0) {
            throw new IllegalStateException("vCPU " + index + " is still running");
        }
        run.set(JAVA_BYTE, KvmApi.RUN_IMMEDIATE_EXIT, (byte) 0);
        stopRequested = false;
        started = false;
        lastState = null;
        done = new java.util.concurrent.CountDownLatch(1);
        state.set(State.CREATED);
    }

    /** Marks the vCPU dozing (called on its own thread by the doze device). */
    public void enterDoze() {
        state.compareAndSet(State.RUNNING, State.DOZING);
    }

    /** Marks the vCPU running again after a doze. */
    public void leaveDoze() {
        state.compareAndSet(State.DOZING, State.RUNNING);
    }

    /** {@return true once stop() was called} */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** {@return the thread running the vCPU now, or null before it started or after it ended} */
    public Thread thread() {
        return thread;
    }

    /**
     * Asks the thread to stop without waiting: sets the flag and immediate_exit, unparks it
     * and interrupts KVM_RUN once. Safe from any thread, the vCPU's own included.
     */
    public void requestStop() {
        stopRequested = true;
        run.set(JAVA_BYTE, KvmApi.RUN_IMMEDIATE_EXIT, (byte) 1);
        if (started) {
            kick();                 // not started yet: start() will see the flag and stop at once
        }
    }

    /** Unparks the vCPU's thread and interrupts its KVM_RUN, unless it is the caller. */
    private void kick() {
        synchronized (killLock) {
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                LockSupport.unpark(t);
                if (pthread != 0) {
                    Sys.pthreadKill(pthread, Sys.SIGPIPE);
                }
            }
        }
    }

    /**
     * Asks the thread to stop: sets immediate_exit and interrupts KVM_RUN with SIGPIPE until it
     * ends, for at most {@code timeoutMillis}. {@return true when the thread has ended}.
     */
    public boolean stop(long timeoutMillis) {
        requestStop();
        if (!started) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (!done.await(1, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                kick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** Stops the thread (if any) and releases the kvm_run mapping and the fd. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!stop(5000)) {
            throw new HvmException(HvmException.Kind.INTERNAL_ERROR, "vCPU " + index + " thread did not stop within 5 s");
        }
        closed = true;
        state.set(State.STOPPED);
        arena.close();
        try {
            Sys.munmap(runAddress, runSize);
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, "munmap kvm_run: " + e.getMessage(), e);
        } finally {
            Kvm.closeQuietly(fd);
        }
    }
}
