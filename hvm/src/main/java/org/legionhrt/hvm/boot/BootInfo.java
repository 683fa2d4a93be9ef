/*
 * struct hrt_boot_info (nautilus/include/hrt/boot.h), written field for field into guest
 * memory at Layout.BOOT_INFO, plus the log-ring header. Change both files together and bump
 * VERSION. Offsets were checked against the C header with offsetof.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.legionhrt.hvm.HvmException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Writer and reader of the boot info in guest memory. */
public final class BootInfo {
    /** HRT_BOOT_MAGIC, "UHRTBOOT". */
    public static final long MAGIC = 0x544f4f4254524855L;
    /** HRT_BOOT_VERSION. */
    public static final int VERSION = 1;
    /** sizeof(struct hrt_boot_info). */
    public static final int SIZE = 1896;
    /** HRT_MAX_CPUS. */
    public static final int MAX_CPUS = 64;
    /** HRT_MAX_REGIONS. */
    public static final int MAX_REGIONS = 32;
    /** enum hrt_profile. */
    public static final int PROFILE_RING0 = 0;
    /** enum hrt_profile. */
    public static final int PROFILE_DEPRIV = 1;
    /** enum hrt_region_type. */
    public static final int REGION_RAM = 1;
    /** enum hrt_region_type. */
    public static final int REGION_RESERVED = 2;
    /** enum hrt_region_type. */
    public static final int REGION_MERGED = 3;
    /** enum hrt_region_type. */
    public static final int REGION_IMAGE = 4;
    /** enum hrt_region_type: guarded stack slots ({@link StackArena}). */
    public static final int REGION_STACKS = 5;
    /** enum hrt_cpu_start: started by the VMM in long mode. */
    public static final int CPU_START_DIRECT = 1;

    /** Offset of comm; comm_size, merged_base and merged_size follow it. */
    static final long COMM = 64;
    static final long READY = 96;
    static final long REGIONS = 104;
    private static final long CPUS = 872;
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    /**
     * A memory region of the boot info.
     *
     * @param base first address
     * @param len  length in bytes
     * @param type one of the REGION_ constants
     */
    public record Region(long base, long len, int type) {
    }

    /**
     * Everything the boot info says.
     *
     * @param profile     PROFILE_ constant
     * @param ncpus       number of CPUs
     * @param tscHz       TSC frequency, 0 = calibrate
     * @param cmdline     the command line
     * @param mergedBase  merged region address (0 = none)
     * @param mergedSize  merged region size
     * @param regions     the memory map
     * @param stackTops   initial RSP of each CPU
     */
    public record Spec(int profile, int ncpus, long tscHz, String cmdline, long mergedBase, long mergedSize,
                       List<Region> regions, long[] stackTops) {
    }

    private BootInfo() {
    }

    /**
     * Writes the boot info, command line and log-ring header into {@code ram}, which must be
     * freshly mapped (zero): only non-zero fields are written.
     *
     * @throws HvmException (BAD_INPUT) when the command line or the memory map is too large
     */
    public static void write(MemorySegment ram, Spec spec) {
        byte[] cmd = spec.cmdline().getBytes(StandardCharsets.UTF_8);
        if (cmd.length >= Layout.CMDLINE_MAX) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "command line longer than " + (Layout.CMDLINE_MAX - 1) + " bytes");
        }
        if (spec.regions().size() > MAX_REGIONS) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "more than " + MAX_REGIONS + " memory regions");
        }
        MemorySegment.copy(cmd, 0, ram, JAVA_BYTE, Layout.CMDLINE, cmd.length);
        MemorySegment b = ram.asSlice(Layout.BOOT_INFO, SIZE);
        b.set(JAVA_LONG, 0, MAGIC);
        b.set(JAVA_INT, 8, VERSION);
        b.set(JAVA_INT, 12, SIZE);
        b.set(JAVA_INT, 16, spec.profile());
        b.set(JAVA_INT, 20, spec.ncpus());
        b.set(JAVA_INT, 24, spec.regions().size());
        b.set(JAVA_LONG, 32, spec.tscHz());
        b.set(JAVA_LONG, 40, Layout.PERCPU);
        b.set(JAVA_LONG, 48, Layout.CMDLINE);
        b.set(JAVA_LONG, 56, Layout.LOG_RING);
        b.set(JAVA_LONG, 64, Layout.COMM);
        b.set(JAVA_LONG, 72, Layout.COMM_SIZE);
        b.set(JAVA_LONG, 80, spec.mergedBase());
        b.set(JAVA_LONG, 88, spec.mergedSize());
        for (int i = 0; i < spec.regions().size(); i++) {
            Region r = spec.regions().get(i);
            b.set(JAVA_LONG, REGIONS + i * 24L, r.base());
            b.set(JAVA_LONG, REGIONS + i * 24L + 8, r.len());
            b.set(JAVA_INT, REGIONS + i * 24L + 16, r.type());
        }
        for (int i = 0; i < spec.ncpus(); i++) {
            b.set(JAVA_INT, CPUS + i * 16L, i);
            b.set(JAVA_INT, CPUS + i * 16L + 4, CPU_START_DIRECT);
            b.set(JAVA_LONG, CPUS + i * 16L + 8, spec.stackTops()[i]);
        }
        MemorySegment log = ram.asSlice(Layout.LOG_RING, 32);
        log.set(JAVA_LONG, 16, Layout.LOG_RING_DATA);
    }

    /** {@return boot_info.ready: the number of CPUs the kernel reports up} (acquire read). */
    public static long ready(MemorySegment ram) {
        return ready(ram, Layout.BOOT_INFO);
    }

    /** {@return the guest address of the ready word of the boot info at {@code bootInfo}} */
    public static long readyAddress(long bootInfo) {
        return bootInfo + READY;
    }

    /** {@return the ready word of the boot info at {@code bootInfo}} (acquire read). */
    public static long ready(MemorySegment ram, long bootInfo) {
        return (long) LONG.getAcquire(ram, bootInfo + READY);
    }
}
