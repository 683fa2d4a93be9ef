/*
 * One KVM virtual machine: its fd, its memory slots (guest RAM, the merged region) and its
 * vCPUs. Closing the VM closes every vCPU first, then the VM fd; the memory itself belongs
 * to GuestMemory and is unmapped by its owner after this.
 */
package org.legionhrt.hvm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.internal.Sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A KVM VM; final and {@link AutoCloseable}. Not thread safe: one owner configures it. */
public final class Vm implements AutoCloseable {
    private final Kvm kvm;
    private final int fd;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private int slots;
    private boolean closed;

    private Vm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    /** Creates a VM on {@code kvm}. */
    public static Vm create(Kvm kvm) {
        return new Vm(kvm, kvm.createVmFd());
    }

    /** {@return the KVM handle this VM was created on} */
    public Kvm kvm() {
        return kvm;
    }

    /**
     * Maps host memory at {@code hostAddress} into the guest at {@code gpa}.
     *
     * @throws HvmException (KVM) when KVM refuses the slot (overlap, alignment, limits)
     */
    public void mapMemory(long gpa, long size, long hostAddress) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(32, 8);
            region.set(JAVA_INT, 0, slots);
            region.set(JAVA_INT, 4, 0);
            region.set(JAVA_LONG, 8, gpa);
            region.set(JAVA_LONG, 16, size);
            region.set(JAVA_LONG, 24, hostAddress);
            Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SET_USER_MEMORY_REGION, region),
                    String.format("KVM_SET_USER_MEMORY_REGION slot %d gpa %#x size %#x", slots, gpa, size));
        }
        slots++;
    }

    /**
     * Gives the VM KVM's in-kernel interrupt controllers (a local APIC per vCPU, the IOAPIC at
     * 0xfec00000, the two 8259 PICs) and its 8254 PIT (ports 0x40-0x43, and 0x61 for channel 2's gate and output): what a ring0
     * kernel needs for its timer, its IPIs and INIT-SIPI-SIPI. vCPUs other than 0 then start
     * waiting for a SIPI. Must come before the first vCPU.
     *
     * @throws HvmException (KVM) when KVM lacks them (KVM_CAP_IRQCHIP / KVM_CAP_PIT2) or refuses
     */
    public void createInterruptControllers() {
        if (!vcpus.isEmpty()) {
            throw new IllegalStateException("the in-kernel irqchip must be created before the vCPUs");
        }
        if (kvm.checkExtension(KvmApi.CAP_IRQCHIP) == 0 || kvm.checkExtension(KvmApi.CAP_PIT2) == 0) {
            throw new HvmException(HvmException.Kind.KVM, "this KVM offers no in-kernel irqchip or PIT"
                    + " (KVM_CAP_IRQCHIP / KVM_CAP_PIT2), which the ring0 profile needs: use --profile deprivileged");
        }
        Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_CREATE_IRQCHIP, 0), "KVM_CREATE_IRQCHIP");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(KvmApi.PIT_CONFIG_SIZE, 8);
            // KVM_PIT_SPEAKER_DUMMY: KVM serves port 0x61 too (channel 2 gate and output),
            // which a kernel polls to time short delays against the PIT.
            config.set(JAVA_INT, 0, KvmApi.PIT_SPEAKER_DUMMY);
            Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_CREATE_PIT2, config), "KVM_CREATE_PIT2");
        }
    }

    /**
     * Sends interrupt {@code vector} to the local APIC {@code apicId} as an MSI (fixed delivery,
     * physical destination), as a device would: how the VMM wakes a ring0 vCPU that halted.
     * Needs {@link #createInterruptControllers()}. {@return whether it was delivered}
     */
    public boolean signalMsi(int apicId, int vector) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msi = arena.allocate(KvmApi.MSI_SIZE, 8);
            msi.set(JAVA_INT, 0, 0xfee00000 | (apicId & 0xff) << 12);   // address_lo
            msi.set(JAVA_INT, 8, vector & 0xff);                          // data: vector, fixed, edge
            return Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_SIGNAL_MSI, msi), "KVM_SIGNAL_MSI") > 0;
        }
    }

    /**
     * Creates vCPU {@code index} with the host's supported CPUID already set (KVM needs it
     * before long-mode SREGS).
     */
    public Vcpu createVcpu(int index, MemorySegment cpuid) {
        int vfd = Kvm.kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_CREATE_VCPU, index), "KVM_CREATE_VCPU " + index);
        Vcpu v;
        try {
            v = new Vcpu(index, vfd, kvm.vcpuMmapSize());
        } catch (RuntimeException e) {
            Kvm.closeQuietly(vfd);
            throw e;
        }
        vcpus.add(v);
        v.setCpuid(cpuid);
        return v;
    }

    /** {@return the vCPUs created so far} */
    public List<Vcpu> vcpus() {
        return List.copyOf(vcpus);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Vcpu v : vcpus) {
            v.close();
        }
        Kvm.closeQuietly(fd);
    }
}
