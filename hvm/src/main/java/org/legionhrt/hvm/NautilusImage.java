/*
 * Where the kernel images are: -Dlegionhrt.root / the working directory's
 * nautilus/target/native/nautilus-depriv.elf (or ../nautilus/... from a module directory),
 * and beside it nautilus-ring0.elf, the multiboot2 image of the ring0 profile.
 */
package org.legionhrt.hvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates nautilus-depriv.elf and nautilus-ring0.elf. */
public final class NautilusImage {
    /** The image's path inside the repository. */
    public static final String RELATIVE = "nautilus/target/native/nautilus-depriv.elf";
    /** The ring0 image's path inside the repository. */
    public static final String RING0_RELATIVE = "nautilus/target/native/nautilus-ring0.elf";

    private NautilusImage() {
    }

    /** {@return the deprivileged image, if built} */
    public static Optional<Path> find() {
        return find(RELATIVE);
    }

    /** {@return the ring0 image, if built} */
    public static Optional<Path> findRing0() {
        return find(RING0_RELATIVE);
    }

    private static Optional<Path> find(String relative) {
        String root = System.getProperty("legionhrt.root");
        Path[] candidates = {
            root == null ? null : Path.of(root).resolve(relative),
            Path.of(relative),
            Path.of("..").resolve(relative),
        };
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }
}
