/*
 * Where the deprivileged kernel image is: -Dlegionhrt.root / the working directory's
 * nautilus/target/native/nautilus-depriv.elf (or ../nautilus/... from a module directory).
 */
package org.legionhrt.hvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates nautilus-depriv.elf. */
public final class NautilusImage {
    /** The image's path inside the repository. */
    public static final String RELATIVE = "nautilus/target/native/nautilus-depriv.elf";

    private NautilusImage() {
    }

    /** {@return the image, if built} */
    public static Optional<Path> find() {
        String root = System.getProperty("legionhrt.root");
        Path[] candidates = {
            root == null ? null : Path.of(root).resolve(RELATIVE),
            Path.of(RELATIVE),
            Path.of("..").resolve(RELATIVE),
        };
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }
}
