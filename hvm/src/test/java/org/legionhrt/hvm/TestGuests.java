/*
 * Builds the small test guests (src/test/guests, freestanding C + crt.S) with make, once per
 * test JVM, into target/guests, and skips a test with the reason when /dev/kvm is unusable.
 */
package org.legionhrt.hvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;

final class TestGuests {
    private static final Path MODULE = findModule();
    private static final Path OUT = MODULE.resolve("target/guests");
    private static boolean built;

    private TestGuests() {
    }

    private static Path findModule() {
        Path p = Path.of("").toAbsolutePath();
        if (Files.isDirectory(p.resolve("src/test/guests"))) {
            return p;
        }
        return p.resolve("hvm");
    }

    /** Skips the calling test when KVM cannot run a VM here. */
    static void assumeKvm() {
        KvmProbe probe = Kvm.probe();
        Assumptions.assumeTrue(probe.usable(), () -> "/dev/kvm unusable: " + probe.problem());
    }

    /** {@return the path of test guest {@code name}}, building all guests first if needed. */
    static synchronized Path guest(String name) {
        if (!built) {
            make();
            built = true;
        }
        return OUT.resolve(name + ".elf");
    }

    /** {@return the flat (non-ELF) multiboot2 guest mb2flat.bin}, building all guests first if needed. */
    static synchronized Path flat() {
        guest("exit7");
        return OUT.resolve("mb2flat.bin");
    }

    /** {@return exit7 with its first PT_LOAD segment's memsz patched to 64 MiB} */
    static byte[] bigImage() {
        try {
            byte[] img = Files.readAllBytes(guest("exit7"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int phoff = (int) b.getLong(0x20);
            int phentsize = b.getShort(0x36);
            for (int i = 0; i < b.getShort(0x38); i++) {
                int ph = phoff + i * phentsize;
                if (b.getInt(ph) == 1) {
                    b.putLong(ph + 40, 64L << 20);
                    break;
                }
            }
            return img;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void make() {
        try {
            Process p = new ProcessBuilder("make", "-s", "-C", MODULE.resolve("src/test/guests").toString(),
                    "OUT=" + OUT).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("building test guests failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run make for the test guests: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
