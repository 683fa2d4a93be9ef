/*
 * The VM's only device model: dispatches every port-I/O exit of every vCPU to the serial
 * console, the doorbells, the rings, or the exit/panic/ready reports; anything else is an
 * unexpected access that ends the VM. Runs on vCPU threads. A ring0 VM has no doorbells or
 * rings (null): their ports are then unexpected like any other.
 */
package org.legionhrt.hvm.devices;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.kvm.ExitHandler;
import org.legionhrt.hvm.kvm.Vcpu;
import org.legionhrt.hvm.memory.GuestMemory;
import org.legionhrt.hvm.ring.CallRing;
import org.legionhrt.hvm.ring.RequestRing;

/** Port-I/O dispatch for the HVM. */
public final class PortBus implements ExitHandler {
    /** What the bus reports to the HVM that owns it. */
    public interface Events {
        /** The guest wrote {@code code} to the exit port. */
        void exited(Vcpu v, int code);

        /** The guest failed (panic, unexpected access). */
        void failed(HvmException e);

        /** A vCPU thread ended; {@code failure} is null when stopped on request. */
        void stopped(Vcpu v, HvmException failure);

        /** The kernel reported {@code ncpus} CPUs up through the ready port. */
        default void ready(Vcpu v, int ncpus) {
        }
    }

    private final GuestMemory mem;
    private final Console console;
    private final Doorbells bells;
    private final CallRing calls;
    private final RequestRing requests;
    private final Events events;
    private final java.util.concurrent.atomic.LongAdder dozes = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder kicks = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder exits = new java.util.concurrent.atomic.LongAdder();
    /** The UART's divisor-latch access bit (LCR bit 7): writes to COM1+0/+1 set the baud rate then. */
    private volatile boolean dlab;

    /** Wires the bus. */
    public PortBus(GuestMemory mem, Console console, Doorbells bells, CallRing calls, RequestRing requests, Events events) {
        this.mem = mem;
        this.console = console;
        this.bells = bells;
        this.calls = calls;
        this.requests = requests;
        this.events = events;
    }

    /** {@return "N exits (D doze, K kick)": how often the guest left for the VMM} */
    public String stats() {
        return exits.sum() + " port exits (" + dozes.sum() + " doze, " + kicks.sum() + " kick)";
    }

    @Override
    public Action out(Vcpu v, int port, int size, int value) {
        exits.increment();
        if (port == Ports.DOZE) {
            dozes.increment();
        } else if (port == Ports.KICK) {
            kicks.increment();
        }
        if (bells == null && port >= Ports.DOZE && port <= Ports.ROS_WAKE) {
            return unexpected(v, port, size, value);
        }
        switch (port) {
            case Ports.COM1 -> {
                if (!dlab) {
                    console.serialByte(v.index(), value & 0xff);
                }
            }
            case Ports.COM1 + 3 -> dlab = (value & 0x80) != 0;
            case Ports.DOZE -> bells.doze(v);
            case Ports.KICK -> bells.unpark(value);
            case Ports.CALL_DONE -> calls.completeExit(value);
            case Ports.ROS_WAKE -> requests.wakeAll();
            case Ports.HYPERCALL -> requests.serveSync(v.index());
            case Ports.READY -> events.ready(v, value);
            case Ports.EXIT -> {
                events.exited(v, value);
                return Action.STOP;
            }
            case Ports.PANIC -> {
                String msg = GuestMemory.printable(mem.string(Integer.toUnsignedLong(value), 1024));
                events.failed(new HvmException(HvmException.Kind.PANIC, "kernel panic on vCPU " + v.index() + ": " + msg,
                        v.snapshot("panic"), console.lastLines(), null));
                return Action.STOP;
            }
            default -> {
                if (port > Ports.COM1 && port < Ports.COM1 + 8) {
                    return Action.CONTINUE;     // UART control registers: nothing to emulate
                }
                return unexpected(v, port, size, value);
            }
        }
        return Action.CONTINUE;
    }

    private Action unexpected(Vcpu v, int port, int size, int value) {
        events.failed(new HvmException(HvmException.Kind.UNEXPECTED_EXIT, String.format(
                "vCPU %d wrote %#x (%d bytes) to port %#x, which no device serves", v.index(), value, size, port),
                v.snapshot("IO"), console.lastLines(), null));
        return Action.STOP;
    }

    @Override
    public int in(Vcpu v, int port, int size) {
        if (port == Ports.COM1 + 5) {
            return 0x60;                          // line status: transmitter empty
        }
        if (port >= Ports.COM1 && port < Ports.COM1 + 8) {
            return 0;
        }
        events.failed(new HvmException(HvmException.Kind.UNEXPECTED_EXIT, String.format(
                "vCPU %d read %d bytes from port %#x, which no device serves", v.index(), size, port),
                v.snapshot("IO"), console.lastLines(), null));
        return 0xffffffff;
    }

    @Override
    public void stopped(Vcpu v, HvmException failure) {
        events.stopped(v, failure);
    }
}
