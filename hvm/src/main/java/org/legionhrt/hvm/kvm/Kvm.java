/*
 * The KVM system handle (/dev/kvm): API version, capabilities, the CPUID the host offers,
 * the vCPU mmap size, VM creation, and the static probe used by `./hrt doctor`. Also says
 * how guest ring 0 executes here (hardware, or emulated as under PVM), which decides the
 * boot profile.
 */
package org.legionhrt.hvm.kvm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.internal.Sys;
import org.legionhrt.hvm.internal.SysException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** An open /dev/kvm; final and {@link AutoCloseable}: closing it closes the system fd. */
public final class Kvm implements AutoCloseable {
    /** The device path. */
    public static final String DEVICE = "/dev/kvm";

    private final int fd;
    private final int apiVersion;
    private boolean closed;

    private Kvm(int fd, int apiVersion) {
        this.fd = fd;
        this.apiVersion = apiVersion;
    }

    /**
     * Opens /dev/kvm and checks the API version.
     *
     * @throws HvmException (KIND KVM) when the device is missing, not accessible, or speaks
     *                      another API version; the message names the fix
     */
    public static Kvm open() {
        int fd;
        try {
            fd = Sys.open(DEVICE, Sys.O_RDWR | Sys.O_CLOEXEC);
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, openProblem(e.errno()), e);
        }
        int version = Sys.ioctlRaw(fd, KvmApi.KVM_GET_API_VERSION, 0);
        if (version != KvmApi.API_VERSION) {
            closeQuietly(fd);
            throw new HvmException(HvmException.Kind.KVM, versionProblem(version));
        }
        return new Kvm(fd, version);
    }

    private static String openProblem(int errno) {
        return switch (errno) {
            case Sys.ENOENT -> DEVICE + " does not exist: load the KVM module (modprobe kvm_intel, kvm_amd or kvm_pvm) or run on a host with virtualization";
            case Sys.EACCES, Sys.EPERM -> DEVICE + " is not accessible to this user: add the user to group 'kvm' (sudo usermod -aG kvm $USER) or chmod 666 " + DEVICE;
            default -> "cannot open " + DEVICE + ": " + Sys.strerror(errno);
        };
    }

    private static String versionProblem(int version) {
        return "KVM_GET_API_VERSION returned " + version + ", expected " + KvmApi.API_VERSION
                + ": this kernel's KVM is too old or not KVM; use a Linux >= 2.6.22 host";
    }

    /**
     * Probes KVM without throwing: opens /dev/kvm, checks the API version, creates and closes
     * a VM, and says how guest ring 0 runs here.
     *
     * @return the probe result; {@code problem} names the fix when {@code usable} is false
     */
    public static KvmProbe probe() {
        String mode = ring0ModeFromHost();
        try {
            int fd;
            try {
                fd = Sys.open(DEVICE, Sys.O_RDWR | Sys.O_CLOEXEC);
            } catch (SysException e) {
                return new KvmProbe(false, -1, mode, openProblem(e.errno()));
            }
            try {
                return probe(fd, mode);
            } finally {
                closeQuietly(fd);
            }
        } catch (RuntimeException | LinkageError e) {
            return new KvmProbe(false, -1, mode, "cannot call into libc through FFM (" + e
                    + "): run the JVM with --enable-native-access=ALL-UNNAMED");
        }
    }

    private static KvmProbe probe(int fd, String mode) {
        int version = Sys.ioctlRaw(fd, KvmApi.KVM_GET_API_VERSION, 0);
        if (version != KvmApi.API_VERSION) {
            return new KvmProbe(false, version, mode, versionProblem(version));
        }
        if (!mode.equals(KvmProbe.EMULATED) && Sys.ioctlRaw(fd, KvmApi.KVM_CHECK_EXTENSION, KvmApi.CAP_NESTED_STATE) > 0) {
            mode = KvmProbe.HARDWARE;   // nested state exists only for VMX/SVM backends
        }
        int vm = Sys.ioctlRaw(fd, KvmApi.KVM_CREATE_VM, 0);
        if (vm < 0) {
            return new KvmProbe(false, version, mode, "KVM_CREATE_VM failed: " + Sys.strerror(-vm)
                    + (-vm == 12 ? " (out of memory)" : ": check dmesg; another hypervisor may hold VT-x/SVM"));
        }
        closeQuietly(vm);
        return new KvmProbe(true, version, mode, null);
    }

    /**
     * How guest ring 0 executes, from the host's view: the PVM module (kvm_pvm, present in
     * /sys/module) emulates guest ring 0 one instruction at a time and runs ring 3 natively;
     * kvm_intel / kvm_amd, or vmx/svm flags in /proc/cpuinfo, mean hardware virtualization.
     * {@link #probe()} also asks KVM for KVM_CAP_NESTED_STATE, which only VMX/SVM offer.
     *
     * @return one of the {@link KvmProbe} mode constants
     */
    public static String ring0ModeFromHost() {
        if (Files.isDirectory(Path.of("/sys/module/kvm_pvm"))) {
            return KvmProbe.EMULATED;
        }
        if (Files.isDirectory(Path.of("/sys/module/kvm_intel")) || Files.isDirectory(Path.of("/sys/module/kvm_amd"))) {
            return KvmProbe.HARDWARE;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    String flags = " " + line.substring(line.indexOf(':') + 1) + " ";
                    return flags.contains(" vmx ") || flags.contains(" svm ") ? KvmProbe.HARDWARE : KvmProbe.UNKNOWN;
                }
            }
        } catch (IOException e) {
            return KvmProbe.UNKNOWN;
        }
        return KvmProbe.UNKNOWN;
    }

    /** {@return the API version (12)} */
    public int apiVersion() {
        return apiVersion;
    }

    /** {@return KVM_CHECK_EXTENSION for {@code cap}: 0 when absent} */
    public int checkExtension(int cap) {
        int rc = Sys.ioctlRaw(fd, KvmApi.KVM_CHECK_EXTENSION, cap);
        return Math.max(rc, 0);
    }

    /** {@return the most vCPUs one VM may have} */
    public int maxVcpus() {
        int max = checkExtension(KvmApi.CAP_MAX_VCPUS);
        return max > 0 ? max : Math.max(checkExtension(KvmApi.CAP_NR_VCPUS), 4);
    }

    /** {@return the size of each vCPU's kvm_run mapping} */
    public int vcpuMmapSize() {
        return kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
    }

    /**
     * {@return the CPUID entries KVM supports, as a kvm_cpuid2 structure ready for KVM_SET_CPUID2}
     * allocated in {@code arena}.
     */
    public MemorySegment supportedCpuid(Arena arena) {
        byte[] bytes = cachedCpuid;
        if (bytes == null) {
            MemorySegment cpuid = arena.allocate(8 + KvmApi.CPUID_MAX_ENTRIES * KvmApi.CPUID_ENTRY_SIZE, 8);
            cpuid.set(JAVA_INT, 0, KvmApi.CPUID_MAX_ENTRIES);
            kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_GET_SUPPORTED_CPUID, cpuid), "KVM_GET_SUPPORTED_CPUID");
            bytes = cpuid.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            cachedCpuid = bytes;     // the host's answer does not change while we run: ask once
        }
        MemorySegment copy = arena.allocate(bytes.length, 8);
        copy.copyFrom(MemorySegment.ofArray(bytes));
        return copy;
    }

    private static volatile byte[] cachedCpuid;

    /** Creates a VM; {@return its fd} (owned by the caller). */
    int createVmFd() {
        return kvmCall(() -> Sys.ioctl(fd, KvmApi.KVM_CREATE_VM, 0), "KVM_CREATE_VM");
    }

    /** A KVM call that can fail with errno. */
    @FunctionalInterface
    interface Call {
        /** Runs the call. */
        int run() throws SysException;
    }

    /** Runs {@code call}, turning a failure into an {@link HvmException} naming {@code what}. */
    static int kvmCall(Call call, String what) {
        try {
            return call.run();
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, what + " failed: " + e.getMessage(), e);
        }
    }

    static void closeQuietly(int fd) {
        try {
            Sys.close(fd);
        } catch (SysException e) {
            // Closing a descriptor we own can only fail with EBADF, a bug we cannot repair here.
            org.slf4j.LoggerFactory.getLogger(Kvm.class).warn("close({}) failed: {}", fd, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(fd);
        }
    }
}
