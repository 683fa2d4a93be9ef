package org.legionhrt.nautilus;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build puts the kernel images and the Linux twins of the benchmarks.
 *
 * @param nativeDir {@code <root>/nautilus/target/native}
 */
public record NautilusImages(Path nativeDir) {

    /** {@return the images of the project rooted at {@code projectRoot}} */
    public static NautilusImages of(Path projectRoot) {
        return new NautilusImages(projectRoot.resolve("nautilus/target/native").toAbsolutePath().normalize());
    }

    /** {@return the image of profile {@code arch} (e.g. "ring0", "depriv"), checked to exist} */
    public Path image(String arch) {
        return existing(nativeDir.resolve("nautilus-" + arch + ".elf"));
    }

    /** {@return the ring0 image, the one QEMU boots} */
    public Path ring0() {
        return image("ring0");
    }

    /** {@return the Linux twins benchmark program} */
    public Path linuxTwins() {
        return existing(nativeDir.resolve("linux-twins"));
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new NautilusException(p + " is missing; build it with: make -C nautilus all (or ./hrt rebuilds)");
        }
        return p;
    }
}
