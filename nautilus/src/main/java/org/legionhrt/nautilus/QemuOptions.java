package org.legionhrt.nautilus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to boot a kernel image under QEMU.
 *
 * @param image   the multiboot ELF image
 * @param cores   virtual CPUs ({@code -smp}), 1 to {@value #MAX_CORES}
 * @param memory  guest RAM as QEMU takes it ({@code 512M})
 * @param accel   TCG or KVM
 * @param cmdline the kernel command line ({@code tests=a,b tier=quick bench env=…})
 * @param timeout wall-clock limit; on expiry QEMU is killed and the last lines reported
 */
public record QemuOptions(Path image, int cores, String memory, Accel accel, String cmdline, Duration timeout) {

    /** The kernel's limit (NK_MAX_CPUS); more is refused by the kernel with a message. */
    public static final int MAX_CORES = 64;

    /** Validates the values. */
    public QemuOptions {
        if (cores < 1) {
            throw new NautilusException("cores must be at least 1, got " + cores);
        }
        if (!memory.matches("[0-9]+[MG]")) {
            throw new NautilusException("memory '" + memory + "' must look like 512M or 1G");
        }
    }

    /** {@return defaults: 1 CPU, 512M, TCG, empty command line, 5 minutes} */
    public static QemuOptions of(Path image) {
        return new QemuOptions(image, 1, "512M", Accel.TCG, "", Duration.ofMinutes(5));
    }

    /** {@return a copy with {@code n} CPUs} */
    public QemuOptions withCores(int n) {
        return new QemuOptions(image, n, memory, accel, cmdline, timeout);
    }

    /** {@return a copy with memory {@code m}} */
    public QemuOptions withMemory(String m) {
        return new QemuOptions(image, cores, m, accel, cmdline, timeout);
    }

    /** {@return a copy with accelerator {@code a}} */
    public QemuOptions withAccel(Accel a) {
        return new QemuOptions(image, cores, memory, a, cmdline, timeout);
    }

    /** {@return a copy with kernel command line {@code c}} */
    public QemuOptions withCmdline(String c) {
        return new QemuOptions(image, cores, memory, accel, c, timeout);
    }

    /** {@return a copy with timeout {@code t}} */
    public QemuOptions withTimeout(Duration t) {
        return new QemuOptions(image, cores, memory, accel, cmdline, t);
    }

    /** {@return the qemu-system-x86_64 command line} */
    public List<String> command() {
        List<String> c = new ArrayList<>(List.of(QemuRunner.QEMU,
                "-accel", accel.qemuName(), "-smp", Integer.toString(cores), "-m", memory,
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-kernel", image.toString()));
        if (!cmdline.isBlank()) {
            c.add("-append");
            c.add(cmdline);
        }
        return c;
    }
}
