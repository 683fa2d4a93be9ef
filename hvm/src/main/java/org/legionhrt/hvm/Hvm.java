/*
 * The hybrid virtual machine: a partition of this JVM process that runs the aerokernel
 * (the HRT) on its own vCPUs and private memory, sharing the merged region at identical
 * addresses. Built with Hvm.builder()...boot(image); calls go through call()/callAsync().
 *
 * Implementation overview: boot() opens KVM, maps guest RAM and the merged region, loads
 * the ELF, writes page tables, GDT, boot info and the communication area, then starts
 * every vCPU in long mode at CPL3 on its own platform thread and waits for boot_info.ready.
 * The ring0 profile instead acts as a multiboot2 loader on a PC-like machine (in-kernel
 * APICs and PIT, ACPI MADT): vCPU 0 enters the kernel in 32-bit protected mode, the others
 * wait for the kernel's INIT-SIPI-SIPI.
 * Every failure funnels into fail(): the first failure wins, every vCPU is asked to stop,
 * and close() releases fds and mappings in reverse order so the JVM can boot again.
 */
package org.legionhrt.hvm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.legionhrt.hvm.boot.AcpiTables;
import org.legionhrt.hvm.boot.BootInfo;
import org.legionhrt.hvm.boot.CpuSetup;
import org.legionhrt.hvm.boot.Gdt;
import org.legionhrt.hvm.boot.Layout;
import org.legionhrt.hvm.boot.Multiboot2Info;
import org.legionhrt.hvm.boot.PageTables;
import org.legionhrt.hvm.boot.Ring0Entry;
import org.legionhrt.hvm.boot.Ring0Layout;
import org.legionhrt.hvm.boot.StackArena;
import org.legionhrt.hvm.boot.Tcb;
import org.legionhrt.hvm.devices.Console;
import org.legionhrt.hvm.devices.Doorbells;
import org.legionhrt.hvm.devices.LogPoller;
import org.legionhrt.hvm.devices.LogRingReader;
import org.legionhrt.hvm.devices.PortBus;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import org.legionhrt.hvm.kvm.Vcpu;
import org.legionhrt.hvm.kvm.VcpuState;
import org.legionhrt.hvm.kvm.Vm;
import org.legionhrt.hvm.loader.ElfLoader;
import org.legionhrt.hvm.loader.Multiboot2Header;
import org.legionhrt.hvm.loader.Symbols;
import org.legionhrt.hvm.memory.GuestMemory;
import org.legionhrt.hvm.memory.Mapping;
import org.legionhrt.hvm.memory.MergedRegion;
import org.legionhrt.hvm.ring.CallRing;
import org.legionhrt.hvm.ring.CommLayout;
import org.legionhrt.hvm.ring.Liveness;
import org.legionhrt.hvm.ring.RequestRing;
import org.legionhrt.hvm.ring.RosHandler;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A booted HVM; final and {@link AutoCloseable}. Calls are thread safe. */
public final class Hvm implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Hvm.class);
    /** The ring0 kernel's exit code after a panic (arch_panic_stop). */
    private static final int RING0_PANIC_EXIT = 2;
    /** How the kernel is entered. */
    public enum Profile {
        /**
         * Ring0 where guest ring 0 runs in hardware (VT-x/SVM) and the image can boot at ring 0
         * (its HRT tag lists ring0, or it has none); deprivileged otherwise, which includes
         * every host where guest ring 0 is emulated (PVM).
         */
        AUTO,
        /** Every vCPU enters the kernel's 64-bit entry at CPL3, started by the VMM. */
        DEPRIVILEGED,
        /**
         * A multiboot2 loader: vCPU 0 enters the kernel in 32-bit protected mode, the kernel
         * starts the others through the in-kernel APICs (for hardware virtualization; works,
         * slowly, where ring 0 is emulated). The same call ring as DEPRIVILEGED (a ring0 call
         * server polls; it never dozes); no reboot.
         */
        RING0,
    }

    private final Builder spec;
    private final Console console;
    private final AtomicReference<HvmException> failure = new AtomicReference<>();
    /** Held by a stop from outside (halt) until its failure is recorded; see {@link #awaitExit}. */
    private final Object stopLock = new Object();
    private final List<Vcpu> vcpus = new ArrayList<>();
    private volatile CountDownLatch ended;
    private long tscHz;
    private byte[] bootImage;
    private String bootName;
    private volatile byte[] currentImage = new byte[0];
    /** currentImage's function symbols, parsed once, by the first failure report that needs them. */
    private volatile Symbols imageSymbols;
    /** Code loaded into the guest at run time (modules), by name, for failure reports. */
    private final List<Map.Entry<String, Symbols>> moduleSymbols = new CopyOnWriteArrayList<>();
    private volatile Integer exitCode;
    private CpuWatchdog watchdog;
    private final Live live = new Live();
    private volatile boolean closed;
    private Kvm kvm;
    private Vm vm;
    private MergedRegion merged;
    private GuestMemory mem;
    private MemorySegment comm;
    private LogRingReader logReader;
    private volatile CallRing calls;
    private volatile RequestRing requests;
    private volatile Doorbells bells;
    private long bootNanos;
    private PortBus bus;
    private Profile profile;
    private long readyAt = Layout.BOOT_INFO;
    /** The guarded stacks of the deprivileged profile (null: none, or ring0). */
    private volatile StackArena arena;
    /** The boot thread while it waits for ready (the ready port unparks it). */
    private volatile Thread bootThread;
    /** How often boot() looks at boot_info.ready when the ready port stays silent. */
    private static final long READY_POLL_NANOS = 1_000_000;

    private Hvm(Builder spec) {
        this.spec = spec;
        this.console = new Console(spec.console);
        this.ended = new CountDownLatch(spec.cores);
    }

    /** {@return a builder with defaults: 1 core, 256 MiB, no merged region, profile AUTO} */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of an HVM; not thread safe. */
    public static final class Builder {
        private int cores = 1;
        private long memory = 256L << 20;
        private long merged;
        private String cmdline = "";
        private Profile profile = Profile.AUTO;
        private Duration bootTimeout = Duration.ofSeconds(10);
        private Duration callTimeout = Duration.ofSeconds(30);
        private boolean awaitReady = true;
        private Consumer<String> console;
        private final Map<Integer, RosHandler> handlers = new HashMap<>();
        private int requestThreads = 1;
        private int vcpuNice = Integer.getInteger("hvm.vcpu.nice", 0);
        private boolean hugePages = Boolean.getBoolean("hvm.thp");
        private boolean mergedHugePages = Boolean.getBoolean("hvm.merged.thp");

        private Builder() {
        }

        /** Number of HRT vCPUs (1..64). */
        public Builder cores(int n) {
            this.cores = n;
            return this;
        }

        /** Private guest memory in bytes (multiple of 2 MiB, at least 16 MiB; a nautilus image wants 18). */
        public Builder memory(long bytes) {
            this.memory = bytes;
            return this;
        }

        /** Merged-region size in bytes (multiple of 2 MiB; 0 = none). */
        public Builder merged(long bytes) {
            this.merged = bytes;
            return this;
        }

        /** The kernel command line. */
        public Builder cmdline(String s) {
            this.cmdline = s == null ? "" : s;
            return this;
        }

        /** The boot profile. */
        public Builder profile(Profile p) {
            this.profile = p;
            return this;
        }

        /** How long boot() waits for the kernel to report ready. */
        public Builder bootTimeout(Duration d) {
            this.bootTimeout = d;
            return this;
        }

        /** How long one call waits for its answer before the HVM is declared hung. */
        public Builder callTimeout(Duration d) {
            this.callTimeout = d;
            return this;
        }

        /**
         * Whether boot() waits for boot_info.ready == cores (default true). False for
         * kernels that run to completion (self-tests) and only exit.
         */
        public Builder awaitReady(boolean b) {
            this.awaitReady = b;
            return this;
        }

        /** Receives every console line of the guest (on a VMM thread). */
        public Builder console(Consumer<String> listener) {
            this.console = listener;
            return this;
        }

        /** Registers HRT->ROS handler {@code id}. */
        public Builder handler(int id, RosHandler h) {
            handlers.put(id, h);
            return this;
        }

        /** Number of Java threads serving the request ring (default 1). */
        public Builder requestThreads(int n) {
            this.requestThreads = n;
            return this;
        }

        /**
         * Host nice value of the vCPU threads (default 0, or -Dhvm.vcpu.nice): below 0 gives
         * the HRT's vCPUs precedence on a busy host, like dedicated cores (needs CAP_SYS_NICE).
         */
        public Builder vcpuNice(int nice) {
            this.vcpuNice = nice;
            return this;
        }

        /**
         * Back private guest RAM with transparent huge pages (default false, or -Dhvm.thp=true):
         * fewer first-touch exits while the kernel runs (steadier allocation latency), slower
         * boot (each first touch zeroes 2 MiB). The merged region has its own switch,
         * {@link #mergedHugePages(boolean)}.
         */
        public Builder hugePages(boolean b) {
            this.hugePages = b;
            return this;
        }

        /**
         * Back the merged region with transparent huge pages (default false, or
         * -Dhvm.merged.thp=true). Off by default because the HRT's code ran 2.2-2.7x slower on
         * huge-page-backed merged memory on an Intel PVM host (see {@link MergedRegion#create(long, boolean)});
         * where it measures faster (~6% on an AMD PVM host) turn it on.
         */
        public Builder mergedHugePages(boolean b) {
            this.mergedHugePages = b;
            return this;
        }

        /** Reads {@code image} and boots it; see {@link #boot(byte[], String)}. */
        public Hvm boot(Path image) {
            byte[] bytes;
            try {
                // A device (/dev/zero) or a file past 2 GiB would end in OutOfMemoryError, not a refusal.
                if (Files.exists(image) && !Files.isRegularFile(image)) {
                    throw new HvmException(HvmException.Kind.BAD_INPUT, "kernel image " + image + " is not a regular file");
                }
                if (Files.exists(image) && Files.size(image) > memory) {
                    throw new HvmException(HvmException.Kind.BAD_INPUT, String.format("kernel image %s has %d bytes, more"
                            + " than the guest memory (%d): not a kernel image, or raise --mem", image, Files.size(image), memory));
                }
                bytes = Files.readAllBytes(image);
            } catch (IOException e) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, "cannot read kernel image " + image + ": " + e.getMessage(), e);
            }
            return boot(bytes, image.toString());
        }

        /**
         * Boots the kernel image and, unless awaitReady(false), waits until it reports ready.
         *
         * @throws HvmException BAD_INPUT for bad images or sizes, KVM when /dev/kvm fails,
         *                      or the guest's failure during boot
         */
        public Hvm boot(byte[] image, String name) {
            validate();
            Hvm h = new Hvm(this);
            h.bootImage = image;
            h.bootName = name;
            try {
                h.start(image, name);
                return h;
            } catch (RuntimeException | Error e) {
                h.close();
                throw e;
            }
        }

        private void validate() {
            if (cores < 1 || cores > BootInfo.MAX_CPUS) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, "cores = " + cores + ": must be 1.." + BootInfo.MAX_CPUS);
            }
            if (merged < 0 || merged % Mapping.HUGE != 0) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, "merged region " + merged
                        + " bytes: must be a multiple of 2 MiB (e.g. --merged 1G)");
            }
            if (memory < (16L << 20) || memory % Mapping.HUGE != 0) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, "memory " + memory
                        + " bytes: must be a multiple of 2 MiB and at least 16 MiB (e.g. --mem 256M)");
            }
            if (bootsDeprivileged(profile)) {
                checkTables(memory, merged);    // else once the image tells the profile
            }
        }
    }

    private void start(byte[] image, String name) {
        long t0 = System.nanoTime();
        kvm = Kvm.open();
        if (spec.cores > kvm.maxVcpus()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "cores = " + spec.cores + ": KVM allows at most " + kvm.maxVcpus());
        }
        merged = spec.merged > 0 ? MergedRegion.create(spec.merged, spec.mergedHugePages) : null;
        mem = GuestMemory.create(spec.memory, merged, spec.hugePages);
        ElfLoader.Loaded img = ElfLoader.load(image, name, mem, Layout.IMAGE_MIN);
        profile = effectiveProfile(spec.profile, img.mb2());
        if (profile == Profile.DEPRIVILEGED) {
            checkTables(spec.memory, spec.merged);      // before the VM maps all of it
        }
        if (profile == Profile.RING0) {
            checkRing0Image(img, name);
        } else {
            checkImage(img, name);
        }
        comm = mem.slice(Layout.COMM, Layout.COMM_SIZE);    // below 1 MiB: no ring0 kernel allocates there
        currentImage = image;
        imageSymbols = null;
        moduleSymbols.clear();
        long tLoad = System.nanoTime();
        vm = Vm.create(kvm);
        if (profile == Profile.RING0) {
            vm.createInterruptControllers();
        }
        vm.mapMemory(0, mem.size(), mem.hostAddress());
        if (merged != null) {
            vm.mapMemory(mergedGpa(), merged.size(), merged.address());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpuid = kvm.supportedCpuid(arena);
            for (int i = 0; i < spec.cores; i++) {
                vcpus.add(vm.createVcpu(i, cpuid));
            }
        }
        tscHz = vcpus.get(0).tscKhz() * 1000;
        long tVm = System.nanoTime();
        if (profile == Profile.RING0) {
            enterRing0(img, t0);
        } else {
            enter(img, t0);
        }
        LOG.debug("boot phases (us): memory+load {}, vm+vcpus {}, kernel to ready {}",
                (tLoad - t0) / 1000, (tVm - tLoad) / 1000, (System.nanoTime() - tVm) / 1000);
    }

    /**
     * Builds what the kernel is entered with (tables, GDT, comm area, boot info), wires the
     * devices and rings, starts every vCPU at entry64, and waits for ready if asked.
     */
    private void enter(ElfLoader.Loaded img, long t0) {
        long cr3 = buildTables(img);
        long[] stacks = stackTops();
        bells = wireRings();
        for (Vcpu v : vcpus) {
            CpuSetup.enterUserLongMode(v, img.header().entry64(), stacks[v.index()], cr3);
        }
        BootInfo.write(mem.ram(), new BootInfo.Spec(BootInfo.PROFILE_DEPRIV, spec.cores, tscHz, spec.cmdline,
                merged == null ? 0 : merged.address(), merged == null ? 0 : merged.size(), regions(img), stacks));
        // A fresh reader per boot: a removed one is closed for good (the poller may still hold it).
        logReader = new LogRingReader(mem.slice(Layout.LOG_RING, 32 + Layout.LOG_RING_DATA), Layout.LOG_RING_DATA, console);
        LogPoller.add(logReader);
        requests.start(spec.requestThreads);
        for (Vcpu v : vcpus) {
            v.start(bus, spec.vcpuNice);
        }
        if (spec.awaitReady) {
            awaitReady(t0);
        }
        bootNanos = System.nanoTime() - t0;
    }

    /**
     * Acts as a multiboot2 loader: boot GDT, ACPI tables (one local APIC per vCPU), the
     * multiboot2 information with an HRT tag (TSC rate, ready word), vCPU 0 at the 32-bit
     * entry; every vCPU thread starts (the others block in KVM until the kernel's SIPI).
     */
    private void enterRing0(ElfLoader.Loaded img, long t0) {
        Ring0Entry.writeGdt(mem.ram());
        AcpiTables.write(mem.ram(), spec.cores);
        List<BootInfo.Region> hrtRegions = merged == null ? List.of() : List.of(
                new BootInfo.Region(Layout.IMAGE_MIN, mem.size() - Layout.IMAGE_MIN, BootInfo.REGION_RAM),
                new BootInfo.Region(mergedGpa(), merged.size(), BootInfo.REGION_MERGED));
        Multiboot2Info.Written mbi = Multiboot2Info.write(mem.ram(), new Multiboot2Info.Spec(spec.cmdline, mem.size(),
                AcpiTables.rsdp(mem.ram()), tscHz, hrtRegions, new Multiboot2Info.HvmServices(Layout.COMM, Layout.COMM_SIZE,
                        merged == null ? 0 : merged.address(), merged == null ? 0 : merged.size())));
        readyAt = mbi.hrtInfo();
        // The same rings as the deprivileged profile; a ring0 CPU dozes by halting inside KVM,
        // so its doorbell is an interrupt (the kernel's kick vector; APIC id = vCPU index).
        bells = wireRings();
        bells.useInterrupts(cpu -> vm.signalMsi(cpu, Ring0Layout.KICK_VECTOR));
        requests.start(spec.requestThreads);
        Ring0Entry.enter(vcpus.get(0), img.entry32(), mbi.address());
        LOG.debug("ring0: entry {} with multiboot2 info at {} ({} bytes), {} vCPUs in the MADT",
                Long.toHexString(img.entry32()), Long.toHexString(mbi.address()), mbi.size(), spec.cores);
        for (Vcpu v : vcpus) {
            v.start(bus, spec.vcpuNice);
        }
        if (spec.awaitReady) {
            awaitReady(t0);
        }
        bootNanos = System.nanoTime() - t0;
    }

    /**
     * Reboots the HRT alone, as the original HVM could: every vCPU stops, guest RAM is
     * cleared, {@code image} is loaded and every vCPU re-enters it; the VM, its vCPUs, the
     * merged region (and the data in it) stay. Waits for ready like boot() unless awaitReady(false).
     *
     * @throws HvmException CLOSED after close(), BAD_INPUT for a bad image, or the guest's failure
     */
    public synchronized void reboot(byte[] image, String name) {
        if (closed) {
            throw new HvmException(HvmException.Kind.CLOSED, "reboot after shutdown: this HVM is closed");
        }
        if (profile == Profile.RING0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "reboot is implemented for the deprivileged profile only:"
                    + " a ring0 kernel is booted afresh (close this HVM and boot a new one)");
        }
        long t0 = System.nanoTime();
        for (Vcpu v : vcpus) {
            v.requestStop();
        }
        for (Vcpu v : vcpus) {
            if (!v.stop(5000)) {
                throw new HvmException(HvmException.Kind.INTERNAL_ERROR, "vCPU " + v.index() + " did not stop for the reboot");
            }
        }
        requests.close();
        calls.close();
        LogPoller.remove(logReader);
        mem.clear();
        failure.set(null);
        exitCode = null;
        ended = new CountDownLatch(spec.cores);
        for (Vcpu v : vcpus) {
            v.reset();
        }
        ElfLoader.Loaded img;
        try {
            img = ElfLoader.load(image, name, mem, Layout.IMAGE_MIN);
            checkImage(img, name);
        } catch (HvmException e) {
            // No vCPU runs now: say so to every later call and wait (a reboot may still follow).
            failure.set(new HvmException(e.kind(), "the HRT is not running: its reboot failed: " + e.reason(), e));
            while (ended.getCount() > 0) {
                ended.countDown();
            }
            throw e;
        }
        currentImage = image;
        imageSymbols = null;
        moduleSymbols.clear();
        enter(img, t0);
    }

    /** Reboots the HRT with the image it was booted with; see {@link #reboot(byte[], String)}. */
    public void reboot() {
        reboot(bootImage, bootName);
    }

    /**
     * {@return the profile {@code asked} means for an image with multiboot2 header {@code mb2}}:
     * AUTO becomes RING0 only where guest ring 0 runs in hardware and the image boots at ring 0.
     */
    public static Profile effectiveProfile(Profile asked, Multiboot2Header mb2) {
        if (asked != Profile.AUTO) {
            return asked;
        }
        boolean ring0Image = mb2.hrt() == null || mb2.supports(BootInfo.PROFILE_RING0);
        return ring0Image && KvmProbe.HARDWARE.equals(Kvm.ring0ModeFromHost()) ? Profile.RING0 : Profile.DEPRIVILEGED;
    }

    /**
     * {@return whether a boot asking for profile {@code asked} runs deprivileged whatever its
     * image}: asked so, or AUTO on a host whose guest ring 0 is not hardware.
     */
    public static boolean bootsDeprivileged(Profile asked) {
        return asked == Profile.DEPRIVILEGED
                || (asked == Profile.AUTO && !KvmProbe.HARDWARE.equals(Kvm.ring0ModeFromHost()));
    }

    /**
     * Refuses sizes whose page tables (deprivileged profile: 2 MiB pages built by the VMM in a
     * fixed area) would not fit, before any memory is mapped: that failed late, after the VM had
     * mapped all of it (23 s for 1 TiB).
     */
    private static void checkTables(long memory, long merged) {
        if (!PageTables.fits(memory, merged)) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "--mem %s and --merged %s need up to %d page-table pages, more than the %d the VMM has "
                            + "(one per GiB mapped): lower --mem or --merged (together about %dG at most)",
                    flagSize(memory), flagSize(merged), PageTables.pagesFor(memory, merged), PageTables.CAPACITY,
                    PageTables.CAPACITY - 6));
        }
    }

    /** {@return {@code bytes} as the size flags write it: 2G, 512M} */
    private static String flagSize(long bytes) {
        return bytes % (1L << 30) == 0 && bytes > 0 ? (bytes >> 30) + "G" : (bytes >> 20) + "M";
    }

    /** {@return the profile this HVM was booted in (DEPRIVILEGED or RING0)} */
    public Profile profile() {
        return profile;
    }

    private void checkRing0Image(ElfLoader.Loaded img, String name) {
        if (img.mb2().hrt() != null && !img.mb2().supports(BootInfo.PROFILE_RING0)) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": its HRT tag does not list the ring0 profile"
                    + " (it is a deprivileged-only kernel such as nautilus-depriv.elf): boot it with --profile deprivileged,"
                    + " or boot nautilus-ring0.elf with --profile ring0");
        }
        if (!img.mb2().unsupported().isEmpty()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": its multiboot2 header asks for what this loader"
                    + " cannot provide: " + String.join(", ", img.mb2().unsupported()));
        }
        if (img.entry32() < Layout.IMAGE_MIN || img.entry32() >= img.end() || img.entry32() < img.low()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "%s: the 32-bit entry %#x lies outside the loaded image [%#x, %#x)", name, img.entry32(), img.low(), img.end()));
        }
        if (spec.memory > Ring0Layout.MAX_RAM) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "memory " + spec.memory + " bytes: the ring0 profile allows at most "
                    + (Ring0Layout.MAX_RAM >> 20) + " MiB (RAM must end below the APICs at 0xfec00000): lower --mem");
        }
        if (img.end() + (4L << 20) > mem.size()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": image and a minimal heap need "
                    + (img.end() + (4L << 20)) + " bytes, more than the guest memory: raise --mem");
        }
    }

    private void checkImage(ElfLoader.Loaded img, String name) {
        if (!img.header().supports(BootInfo.PROFILE_DEPRIV)) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": its HRT tag does not list the deprivileged profile"
                    + (img.header().supports(BootInfo.PROFILE_RING0)
                    ? " (it is a ring0 kernel such as nautilus-ring0.elf): boot it with --profile ring0, or boot nautilus-depriv.elf"
                    : ": build the nautilus-depriv image"));
        }
        long percpu = Integer.toUnsignedLong(img.header().percpuSize());      // a u32: 2^31 and up read negative
        if (percpu > Layout.PERCPU_STRIDE) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": per-CPU area of "
                    + percpu + " bytes exceeds the VMM's " + Layout.PERCPU_STRIDE);
        }
        long entry = img.header().entry64();
        if (entry < img.low() || entry >= img.end()) {
            // Else every vCPU would fault on its first instruction, reported as the guest's fault.
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "%s: the 64-bit entry %#x (HRT tag) lies outside the loaded image [%#x, %#x)", name, entry,
                    img.low(), img.end()));
        }
        long need = ((img.end() + 0xfff) & ~0xfffL) + spec.cores * Layout.STACK_SIZE + (4L << 20);
        if (need > mem.size()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": image, stacks and a minimal heap need "
                    + need + " bytes, more than the guest memory: raise --mem");
        }
    }

    private long buildTables(ElfLoader.Loaded img) {
        PageTables pt = new PageTables(mem.ram());
        pt.identity(0, mem.size());
        pt.unmapLowPages(Layout.NULL_GUARD);
        arena = StackArena.plan(mem.size(), ramStart(img), stacksStart(),
                PageTables.CAPACITY - PageTables.pagesFor(mem.size(), merged == null ? 0 : merged.size()));
        if (arena != null) {
            pt.guardStacks(arena);
        }
        pt.readOnly(Layout.PAGE_TABLES, Layout.READ_ONLY_END);
        if (merged != null) {
            pt.map(merged.address(), mergedGpa(), merged.size());
        }
        Gdt.write(mem.ram());
        Tcb.write(mem.ram());
        return pt.root();
    }

    /**
     * {@return where the merged region sits in guest-physical space: 4 GiB (above the ring0
     * profile's APIC window), or the first GiB boundary above private RAM if that is higher} Its
     * guest-virtual address is its JVM address; that cannot double as its physical address,
     * because JVM addresses use 47 bits and many hosts' CPUs (and so KVM's guests) have only 46
     * physical-address bits. Nothing in the guest uses the physical address.
     */
    private long mergedGpa() {
        return Math.max(4L << 30, (mem.size() + (1L << 30) - 1) & -(1L << 30));
    }

    private long[] stackTops() {
        long[] tops = new long[spec.cores];
        for (int i = 0; i < spec.cores; i++) {
            tops[i] = mem.size() - i * Layout.STACK_SIZE;
        }
        return tops;
    }

    private long ramStart(ElfLoader.Loaded img) {
        return (img.end() + 0xfff) & ~0xfffL;
    }

    /** {@return where the initial per-CPU stacks begin: the top of private RAM} */
    private long stacksStart() {
        return mem.size() - spec.cores * Layout.STACK_SIZE;
    }

    private List<BootInfo.Region> regions(ElfLoader.Loaded img) {
        long ramStart = ramStart(img);
        long stacks = stacksStart();
        List<BootInfo.Region> r = new ArrayList<>();
        r.add(new BootInfo.Region(0, Layout.IMAGE_MIN, BootInfo.REGION_RESERVED));
        r.add(new BootInfo.Region(img.low(), img.end() - img.low(), BootInfo.REGION_IMAGE));
        if (arena == null) {
            r.add(new BootInfo.Region(ramStart, stacks - ramStart, BootInfo.REGION_RAM));
        } else {
            long top = arena.base() + arena.len();
            r.add(new BootInfo.Region(ramStart, arena.base() - ramStart, BootInfo.REGION_RAM));
            r.add(new BootInfo.Region(arena.base(), arena.len(), BootInfo.REGION_STACKS));
            if (top < stacks) {
                r.add(new BootInfo.Region(top, stacks - top, BootInfo.REGION_RAM));
            }
        }
        r.add(new BootInfo.Region(stacks, mem.size() - stacks, BootInfo.REGION_RESERVED));
        if (merged != null) {
            r.add(new BootInfo.Region(mergedGpa(), merged.size(), BootInfo.REGION_MERGED));   // VA: merged_base
        }
        return r;
    }

    /** The communication area's header, doorbells, call and request rings, and the port bus over them; {@return the doorbells} */
    private Doorbells wireRings() {
        initComm();
        Doorbells bells = new Doorbells(comm, spec.cores);
        calls = new CallRing(comm, bells, live, spec.callTimeout);
        requests = new RequestRing(comm, spec.handlers, live);
        bus = new PortBus(mem, console, bells, calls, requests, new Events());
        for (Vcpu v : vcpus) {
            bells.attach(v);
        }
        return bells;
    }

    private void initComm() {
        // Guest RAM is a fresh anonymous mapping, so it is already zero: nothing is cleared
        // here or in the boot structures (touching pages needlessly costs boot time).
        comm.set(JAVA_LONG, CommLayout.HDR_MAGIC, CommLayout.MAGIC);
        comm.set(JAVA_INT, CommLayout.HDR_VERSION, CommLayout.VERSION);
        comm.set(JAVA_INT, CommLayout.HDR_NCPUS, spec.cores);
        comm.set(JAVA_INT, CommLayout.HDR_CALL_SLOTS, CommLayout.CALL_NSLOTS);
        comm.set(JAVA_INT, CommLayout.HDR_REQ_SLOTS, CommLayout.REQ_NSLOTS);
    }

    /**
     * Waits for boot_info.ready == cores. A deprivileged kernel also reports it through the
     * ready port, which unparks this thread at once; polling every {@link #READY_POLL_NANOS}
     * covers kernels that do not (ring0) and failures.
     */
    private void awaitReady(long t0) {
        long deadline = t0 + spec.bootTimeout.toNanos();
        bootThread = Thread.currentThread();
        try {
            pollReady(deadline);
        } finally {
            bootThread = null;
        }
    }

    private void pollReady(long deadline) {
        long ready;
        while (Long.compareUnsigned(ready = BootInfo.ready(mem.ram(), readyAt), spec.cores) < 0) {
            HvmException f = failure.get();
            if (f != null) {
                throw withConsole(f);
            }
            if (exitCode != null && ended.getCount() == 0) {
                throw new HvmException(HvmException.Kind.GUEST_EXIT, "the kernel exited with code " + exitCode
                        + " before it reported ready", null, lastLines(), null);
            }
            if (System.nanoTime() - deadline > 0) {
                throw timeout("boot (ready " + BootInfo.ready(mem.ram(), readyAt) + " of " + spec.cores + " CPUs)");
            }
            // Park rather than poll often: the vCPU threads need the host's cores more than we do.
            LockSupport.parkNanos(this, READY_POLL_NANOS);
        }
        if (ready != spec.cores) {
            // More CPUs than exist: the word is garbage (or the kernel counts CPUs it does not
            // have), and a caller told "ready" would send calls to servers that may not be there.
            throw stopGuest(HvmException.Kind.PROTOCOL, String.format("the kernel reported %s CPUs ready (the ready word at"
                    + " %#x), but this VM has %d vCPU%s: a corrupt boot info, or a kernel that counts CPUs it was not given",
                    Long.toUnsignedString(ready), BootInfo.readyAddress(readyAt), spec.cores, spec.cores == 1 ? "" : "s"), -1);
        }
    }

    private List<String> lastLines() {
        if (logReader != null) {
            logReader.drain();
        }
        return console.lastLines();
    }

    /**
     * Registers the function symbols of code the guest loaded at run time ({@code elf}, placed
     * with load bias {@code bias}), so that failure reports name a function of it too.
     */
    public void addSymbols(String name, byte[] elf, long bias) {
        moduleSymbols.add(Map.entry(name, Symbols.of(elf, bias)));
    }

    /** {@return "fn+0xoff" (image) or "fn+0xoff in module" for a guest address, if known} */
    private Optional<String> describe(long address) {
        Symbols image = imageSymbols;
        if (image == null) {
            imageSymbols = image = Symbols.of(currentImage);    // a race parses twice, harmlessly
        }
        Optional<String> f = image.describe(address);
        for (int i = 0; f.isEmpty() && i < moduleSymbols.size(); i++) {
            Map.Entry<String, Symbols> m = moduleSymbols.get(i);
            f = m.getValue().describe(address).map(d -> d + " in " + m.getKey());
        }
        return f;
    }

    /** Adds the last console lines and, for a guest failure, the function the RIP lies in. */
    private HvmException withConsole(HvmException e) {
        String running = e.state().flatMap(s -> label(s.cpu())).map(l -> "; CPU " + e.state().get().cpu()
                + " was running " + l).orElse("");
        if (!e.console().isEmpty()) {           // a panic: the device added the console and the message
            if (running.isEmpty() || e.reason().contains(running)) {
                return e;
            }
            HvmException x = new HvmException(e.kind(), e.reason() + running, e.state().orElse(null), e.console(), e.getCause());
            x.setStackTrace(e.getStackTrace());
            return x;
        }
        String where = e.state().flatMap(s -> describe(s.rip()))
                .map(f -> " (rip in " + f + ")").orElse("");
        String fault = pageFault(e);
        if (fault.isEmpty()) {
            fault = trapInstruction(e);
        }
        HvmException x = new HvmException(e.kind(), e.reason() + fault + where + running, e.state().orElse(null),
                lastLines(), e.getCause());
        x.setStackTrace(e.getStackTrace());
        return x;
    }

    /**
     * {@return "; the instruction at rip is …" when a deprivileged guest's triple fault was not a
     * page fault and rip points at an instruction that traps at CPL3, else ""} The VMM learns no
     * vector (the exception was never delivered), but these few explain most such ends.
     */
    private String trapInstruction(HvmException e) {
        if (e.kind() != HvmException.Kind.SHUTDOWN || profile != Profile.DEPRIVILEGED || e.state().isEmpty()) {
            return "";
        }
        long rip = e.state().get().rip();
        if (rip <= 0 || rip > mem.size() - 3) {
            return "";
        }
        int b0 = mem.ram().get(JAVA_BYTE, rip) & 0xff, b1 = mem.ram().get(JAVA_BYTE, rip + 1) & 0xff;
        int b2 = mem.ram().get(JAVA_BYTE, rip + 2) & 0xff;
        int rex = (b0 & 0xf0) == 0x40 ? 1 : 0;              // a REX prefix before a divide
        int op = rex == 1 ? b1 : b0, modrm = rex == 1 ? b2 : b1;
        String what = b0 == 0x0f && b1 == 0x0b ? "ud2 (an undefined-instruction trap: __builtin_trap, a failed check)"
                : b0 == 0xcc || mem.ram().get(JAVA_BYTE, rip - 1) == (byte) 0xcc ? "int3 (a breakpoint)"
                : b0 == 0xf4 ? "hlt (privileged: the kernel runs at CPL3)"
                : b0 == 0xfa || b0 == 0xfb ? (b0 == 0xfa ? "cli" : "sti") + " (privileged: the kernel runs at CPL3)"
                : (op == 0xf7 || op == 0xf6) && ((modrm >> 3) & 7) >= 6 ? "a division (divide by zero or overflow)"
                : null;
        return what == null ? "" : "; the instruction at rip is " + what;
    }

    /**
     * {@return the label the kernel gave what {@code cpu} runs (CommLayout.CPU_LABELS: the
     * runtime's port names its current task), if it set one and it lies in private memory}
     */
    private Optional<String> label(int cpu) {
        if (comm == null || cpu < 0 || cpu >= 64) {
            return Optional.empty();
        }
        long at = comm.get(JAVA_LONG, CommLayout.CPU_LABELS + 8L * cpu);
        if (at <= 0 || at >= mem.size()) {
            return Optional.empty();
        }
        MemorySegment s = mem.ram().asSlice(at, Math.min(64, mem.size() - at));
        int n = 0;
        while (n < s.byteSize() && s.get(JAVA_BYTE, n) != 0) {
            n++;
        }
        return n == 0 ? Optional.empty() : Optional.of(GuestMemory.printable(new String(s.asSlice(0, n).toArray(JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * {@return "; page fault at 0x…" (and the NULL guard's name when it lies there) for a
     * deprivileged guest whose triple fault began as a page fault, else ""} CR2 is set to
     * {@link CpuSetup#NO_PAGE_FAULT} at entry and nothing at CPL3 can write it but a fault.
     */
    private String pageFault(HvmException e) {
        if (e.kind() != HvmException.Kind.SHUTDOWN || profile != Profile.DEPRIVILEGED || e.state().isEmpty()
                || e.state().get().cr2() == CpuSetup.NO_PAGE_FAULT) {
            return "";
        }
        long cr2 = e.state().get().cr2();
        int slot = arena == null ? -1 : arena.guardSlotOf(cr2);
        String what = Long.compareUnsigned(cr2, Layout.NULL_GUARD) < 0
                ? " (a NULL pointer: guest-virtual page 0 is not mapped)"
                : Long.compareUnsigned(cr2, Layout.READ_ONLY_END) < 0
                ? " (the VMM's page tables, GDT and TSS: read-only to the guest)"
                : slot >= 0 ? " (the guard page below guarded stack " + slot + ": a thread overflowed its "
                        + ((StackArena.SLOT - StackArena.GUARD) >> 10) + " KiB stack)" : "";
        return String.format("; page fault at %#x%s", cr2, what);
    }

    private void fail(HvmException e) {
        boolean first = failure.compareAndSet(null, e);
        for (Vcpu v : vcpus) {
            v.requestStop();
        }
        if (calls != null) {
            calls.wakeAll();
        }
        wakeBootThread();
        if (first) {
            tellHandlers();                          // only once: they heard of the first failure
        }
    }

    /** Tells every ROS handler that the HVM failed (their sleeping callers look at once). */
    private void tellHandlers() {
        for (RosHandler h : spec.handlers.values()) {
            try {
                h.hvmFailed();
            } catch (RuntimeException x) {
                LOG.warn("a ROS handler failed to hear of the HVM's failure", x);
            }
        }
    }

    /** Unparks boot() if it waits for ready (the kernel reported it, exited or failed). */
    private void wakeBootThread() {
        Thread t = bootThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops every vCPU because {@code what} took too long; {@return the exception with all states}. */
    private HvmException timeout(String what) {
        return halt(what + " timed out: the guest stopped answering", -1);
    }

    /**
     * Stops the guest from outside because of {@code reason} (e.g. a task the ROS judged hung):
     * every vCPU is stopped and reported (rip, rsp), the state of vCPU {@code cpu} (or, for -1,
     * of the first) rides on the exception, the HVM counts as failed, and callers waiting on it
     * are woken. {@return the failure (kind TIMEOUT), or the failure the HVM already had}
     */
    public HvmException halt(String reason, int cpu) {
        return stopGuest(HvmException.Kind.TIMEOUT, reason, cpu);
    }

    /**
     * Stops the guest from outside as {@link #halt} does, with a failure of {@code kind}: a hang
     * (TIMEOUT) or a guest that broke the protocol of a structure the VMM reads (PROTOCOL).
     */
    private HvmException stopGuest(HvmException.Kind kind, String reason, int cpu) {
        // Held until the failure is recorded: a waiter woken by the vCPUs' stop (awaitExit) waits
        // for it here instead of taking the VM for one that ended on its own.
        synchronized (stopLock) {
            return stopGuestLocked(kind, reason, cpu);
        }
    }

    private HvmException stopGuestLocked(HvmException.Kind kind, String reason, int cpu) {
        HvmException had = failure.get();
        if (had != null) {
            return had;
        }
        for (Vcpu v : vcpus) {
            v.requestStop();
        }
        StringBuilder sb = new StringBuilder(reason);
        VcpuState first = null;
        for (Vcpu v : vcpus) {
            v.stop(2000);
            VcpuState s = v.lastState();
            if (s != null) {
                first = first == null || s.cpu() == cpu ? s : first;
                sb.append(String.format("%n  vCPU %d: rip=%#x%s rsp=%#x", s.cpu(), s.rip(),
                        describe(s.rip()).map(f -> " (" + f + ")").orElse(""), s.rsp()));
                if (profile == Profile.RING0) {
                    sb.append(mpStateName(v.mpState()));
                }
            }
        }
        HvmException e = new HvmException(kind, sb.toString(), first, lastLines(), null);
        if (!failure.compareAndSet(null, e)) {
            return failure.get();
        }
        if (calls != null) {
            calls.wakeAll();
        }
        tellHandlers();
        return e;
    }

    private static String mpStateName(int mp) {
        return switch (mp) {
            case 0 -> " (running)";
            case 1 -> " (never started: no INIT-SIPI from the kernel)";
            case 2 -> " (INIT received, no SIPI)";
            case 3 -> " (halted)";
            default -> "";
        };
    }

    private final class Events implements PortBus.Events {
        @Override
        public void exited(Vcpu v, int code) {
            if (profile == Profile.RING0 && code == RING0_PANIC_EXIT) {
                // The ring0 kernel has no panic port: arch_panic_stop() exits with code 2 after
                // printing the message, so report it as the panic it is.
                String msg = lastLines().stream().filter(l -> l.startsWith("PANIC")).reduce((a, b) -> b)
                        .orElse("(no PANIC line on the console)");
                fail(withConsole(new HvmException(HvmException.Kind.PANIC, "kernel panic on vCPU " + v.index()
                        + " (ring0 exit code 2): " + msg, v.snapshot("panic"), List.of(), null)));
                return;
            }
            exitCode = code;
            for (Vcpu o : vcpus) {
                o.requestStop();
            }
            if (calls != null) {
                calls.wakeAll();
            }
            wakeBootThread();
        }

        @Override
        public void failed(HvmException e) {
            fail(withConsole(e));
        }

        @Override
        public void ready(Vcpu v, int ncpus) {
            wakeBootThread();
        }

        @Override
        public void stopped(Vcpu v, HvmException f) {
            if (f != null) {
                fail(withConsole(f));
            }
            ended.countDown();
            wakeBootThread();
        }
    }

    private final class Live implements Liveness {
        @Override
        public void check() {
            HvmException f = failure.get();
            if (f != null) {
                throw f;
            }
            if (closed) {
                throw new HvmException(HvmException.Kind.CLOSED, "call after shutdown: this HVM is closed");
            }
            if (exitCode != null) {
                throw new HvmException(HvmException.Kind.CLOSED, "call after shutdown: the kernel exited with code " + exitCode);
            }
        }

        @Override
        public HvmException timeout(String what) {
            return Hvm.this.timeout(what);
        }

        @Override
        public HvmException protocol(String what) {
            return stopGuest(HvmException.Kind.PROTOCOL, what, -1);
        }
    }

    /**
     * Throws the HVM's failure (a guest fault, a halt, a timeout) or, once it is closed or the
     * kernel exited, a CLOSED exception; returns while the guest runs. A memory read.
     */
    public void checkAlive() {
        live.check();
    }

    /** What a watched CPU's thread did, for the halt's reason ({@link #watchCpus}). */
    @FunctionalInterface
    public interface StuckCpu {
        /** {@return the reason to stop the HVM with: CPU {@code cpu} ran one thread for {@code stuck}} */
        String reason(int cpu, Duration stuck);
    }

    /**
     * Watches the HRT's CPUs for a thread that keeps one longer than {@code limit} without a
     * switch (the kernel schedules cooperatively: a task that never returns), from outside: the
     * kernel publishes each CPU's switch count. The first such CPU among {@code cpus} stops the
     * HVM ({@link #halt}) with {@code onStuck}'s reason, and callers waiting on it fail with that.
     * Replaces an earlier watch; stops with {@link #close}.
     */
    public synchronized void watchCpus(Duration limit, java.util.function.IntPredicate cpus, StuckCpu onStuck) {
        if (limit.isNegative() || limit.isZero()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "watchdog limit " + limit + ": must be positive");
        }
        if (profile == Profile.RING0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "the CPU watchdog needs the deprivileged profile");
        }
        if (watchdog != null) {
            watchdog.stop();
        }
        watchdog = new CpuWatchdog(comm, spec.cores, limit.toNanos(), cpus, onStuck, (cpu, reason) -> halt(reason, cpu));
    }

    /** {@return the time from boot() to the kernel's ready report, in nanoseconds} */
    public long bootNanos() {
        return bootNanos;
    }

    /** {@return the number of HRT vCPUs} */
    public int cores() {
        return spec.cores;
    }

    /**
     * {@return the merged region, shared with the HRT at the same addresses}
     *
     * @throws HvmException BAD_INPUT when the HVM was built without one
     */
    public MemorySegment merged() {
        if (merged == null) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "this HVM has no merged region: build it with merged(bytes)");
        }
        return merged.segment();
    }

    /**
     * Calls HRT function {@code fn} through the call ring and waits for the result.
     *
     * @throws HvmException BAD_INPUT (unknown id), TIMEOUT, CLOSED, or the HVM's failure
     */
    public long call(int fn, long... args) {
        return ring().call(fn, args);
    }

    /**
     * Posts a call of HRT function {@code fn} without waiting for it (ring order: it runs before
     * any later call when one call server serves); what it did comes back through memory.
     *
     * @throws HvmException as {@link #call}
     */
    public void post(int fn, long... args) {
        ring().post(fn, args);
    }

    /** {@return the result of HRT function {@code fn}, later} (call ring, on a pool thread). */
    public CompletableFuture<Long> callAsync(int fn, long... args) {
        return ring().callAsync(fn, args);
    }

    /** {@return the doorbells rung by interrupt (ring0 CPUs that halted)} For tests. */
    long doorbellInterrupts() {
        Doorbells b = bells;
        return b == null ? 0 : b.interruptsSent();
    }

    /** Calls HRT function {@code fn} and has the answer come back through a VM exit. */
    public long callExit(int fn, long... args) {
        return ring().callExit(fn, args);
    }

    private CallRing ring() {
        if (closed) {
            throw new HvmException(HvmException.Kind.CLOSED, "call after shutdown: this HVM is closed");
        }

        return calls;
    }

    /**
     * Waits for the kernel to exit through the exit port; {@return its exit code}.
     *
     * @throws HvmException the guest's failure (fault, panic, unexpected exit) or TIMEOUT
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timeout("waiting for the kernel to exit (" + timeout.toMillis() + " ms)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HvmException(HvmException.Kind.TIMEOUT, "interrupted while waiting for the kernel", e);
        }
        HvmException f = failure.get();
        if (f == null && exitCode == null) {
            synchronized (stopLock) {
                f = failure.get();        // stopped from outside (halt): its failure is recorded now
            }
        }
        if (f != null) {
            throw withConsole(f);
        }
        lastLines();
        console.flush();
        return exitCode == null ? -1 : exitCode;
    }

    /** {@return the last console lines} */
    public List<String> console() {
        return lastLines();
    }

    /** Stops every vCPU and releases every fd, thread and mapping; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watchdog != null) {
            watchdog.stop();
        }
        for (Vcpu v : vcpus) {
            v.requestStop();
        }
        for (Vcpu v : vcpus) {
            v.stop(5000);
        }
        if (requests != null) {
            requests.close();
        }
        if (calls != null) {
            calls.close();
        }
        if (logReader != null) {
            LogPoller.remove(logReader);
        }
        if (bus != null) {
            LOG.debug("HVM closed after {}", bus.stats());
        }
        console.flush();
        if (vm != null) {
            vm.close();
        }
        if (mem != null) {
            mem.close();
        }
        if (merged != null) {
            merged.close();
        }
        if (kvm != null) {
            kvm.close();
        }
    }
}
