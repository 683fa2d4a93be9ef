/*
 * Numbers and structure offsets of the KVM userspace API (linux/kvm.h, x86_64), checked
 * against the installed header by a C program once and written down here. One place, so
 * a reader can compare it with the header line by line.
 */
package org.legionhrt.hvm.kvm;

/** ioctl request numbers, exit reasons, capabilities and struct offsets of KVM. */
final class KvmApi {
    static final int API_VERSION = 12;

    static final long KVM_GET_API_VERSION = 0xAE00L;
    static final long KVM_CREATE_VM = 0xAE01L;
    static final long KVM_CHECK_EXTENSION = 0xAE03L;
    static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04L;
    static final long KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;
    static final long KVM_CREATE_VCPU = 0xAE41L;
    static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L;
    static final long KVM_RUN = 0xAE80L;
    static final long KVM_GET_REGS = 0x8090AE81L;
    static final long KVM_SET_REGS = 0x4090AE82L;
    static final long KVM_GET_SREGS = 0x8138AE83L;
    static final long KVM_SET_SREGS = 0x4138AE84L;
    static final long KVM_SET_CPUID2 = 0x4008AE90L;
    static final long KVM_GET_TSC_KHZ = 0xAEA3L;
    static final long KVM_CREATE_IRQCHIP = 0xAE60L;
    static final long KVM_CREATE_PIT2 = 0x4040AE77L;
    static final long KVM_GET_MP_STATE = 0x8004AE98L;
    /** _IOW(KVMIO, 0xa5, struct kvm_msi): a message-signalled interrupt into the in-kernel irqchip. */
    static final long KVM_SIGNAL_MSI = 0x4020AEA5L;
    static final int MSI_SIZE = 32;

    static final int CAP_IRQCHIP = 0;
    static final int CAP_NR_VCPUS = 9;
    static final int CAP_PIT2 = 33;
    static final int CAP_MAX_VCPUS = 66;
    static final int CAP_NESTED_STATE = 157;

    static final int EXIT_UNKNOWN = 0;
    static final int EXIT_EXCEPTION = 1;
    static final int EXIT_IO = 2;
    static final int EXIT_HYPERCALL = 3;
    static final int EXIT_DEBUG = 4;
    static final int EXIT_HLT = 5;
    static final int EXIT_MMIO = 6;
    static final int EXIT_SHUTDOWN = 8;
    static final int EXIT_FAIL_ENTRY = 9;
    static final int EXIT_INTR = 10;
    static final int EXIT_INTERNAL_ERROR = 17;
    static final int EXIT_SYSTEM_EVENT = 24;

    /* struct kvm_run */
    static final long RUN_IMMEDIATE_EXIT = 1;
    static final long RUN_EXIT_REASON = 8;
    static final long RUN_IO_DIRECTION = 32;
    static final long RUN_IO_SIZE = 33;
    static final long RUN_IO_PORT = 34;
    static final long RUN_IO_COUNT = 36;
    static final long RUN_IO_DATA_OFFSET = 40;
    static final long RUN_MMIO_ADDR = 32;
    static final long RUN_MMIO_LEN = 48;
    static final long RUN_MMIO_IS_WRITE = 52;
    static final long RUN_FAIL_REASON = 32;
    static final long RUN_INTERNAL_SUBERROR = 32;
    static final long RUN_INTERNAL_NDATA = 36;
    static final long RUN_INTERNAL_DATA = 40;
    static final long RUN_SYSTEM_EVENT_TYPE = 32;

    static final int IO_OUT = 1;

    static final long REGS_SIZE = 144;
    static final long SREGS_SIZE = 312;
    static final long PIT_CONFIG_SIZE = 64;
    static final int PIT_SPEAKER_DUMMY = 1;
    static final long CPUID_ENTRY_SIZE = 40;
    static final int CPUID_MAX_ENTRIES = 256;

    static String exitName(int reason) {
        return switch (reason) {
            case EXIT_UNKNOWN -> "UNKNOWN";
            case EXIT_EXCEPTION -> "EXCEPTION";
            case EXIT_IO -> "IO";
            case EXIT_HYPERCALL -> "HYPERCALL";
            case EXIT_DEBUG -> "DEBUG";
            case EXIT_HLT -> "HLT";
            case EXIT_MMIO -> "MMIO";
            case EXIT_SHUTDOWN -> "SHUTDOWN";
            case EXIT_FAIL_ENTRY -> "FAIL_ENTRY";
            case EXIT_INTR -> "INTR";
            case EXIT_INTERNAL_ERROR -> "INTERNAL_ERROR";
            case EXIT_SYSTEM_EVENT -> "SYSTEM_EVENT";
            default -> "exit " + reason;
        };
    }

    private KvmApi() {
    }
}
