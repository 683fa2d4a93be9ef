// Backend "linux": liblhrt.so loaded into this process. The library is found from the system
// property legionhrt.lib, else <legionhrt.root>/legion-hrt-port/target/native/liblhrt.so.
package org.legionhrt.legion.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.legionhrt.legion.LegionException;

/** The runtime as a shared library in this process (internal). Loaded once per JVM. */
public final class LinuxBackend implements Backend {

    private static volatile LhrtBindings shared;

    private final LhrtBindings lhrt;

    private LinuxBackend(LhrtBindings lhrt) {
        this.lhrt = lhrt;
    }

    /** {@return the backend over the process-wide liblhrt.so} @throws LegionException if missing */
    static synchronized LinuxBackend open() {
        if (shared == null) {
            Path lib = libraryPath();
            // The library stays loaded for the JVM's life: runtimes come and go, code does not.
            shared = new LhrtBindings(SymbolLookup.libraryLookup(lib, Arena.global()));
        }
        return new LinuxBackend(shared);
    }

    /** {@return where liblhrt.so is} @throws LegionException naming the fix when it is not there */
    public static Path libraryPath() {
        String explicit = System.getProperty("legionhrt.lib");
        if (explicit != null && !explicit.isBlank()) {
            return requireFile(Path.of(explicit), "-Dlegionhrt.lib");
        }
        Path root = projectRoot();
        return requireFile(root.resolve("legion-hrt-port/target/native/liblhrt.so"), "legionhrt.root=" + root);
    }

    /** {@return the project root: legionhrt.root, else the nearest parent of the working directory with legion-hrt-port/} */
    public static Path projectRoot() {
        String root = System.getProperty("legionhrt.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("legion-hrt-port"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static Path requireFile(Path p, String from) {
        if (!Files.isRegularFile(p)) {
            throw new LegionException("liblhrt.so not found at " + p + " (from " + from + "); run ./hrt or "
                    + "mvn package to build legion-hrt-port, or set -Dlegionhrt.lib=/path/to/liblhrt.so");
        }
        return p;
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public LhrtBindings lhrt() {
        return lhrt;
    }

    @Override
    public void close() {
        // Nothing per runtime: the library stays mapped.
    }
}
