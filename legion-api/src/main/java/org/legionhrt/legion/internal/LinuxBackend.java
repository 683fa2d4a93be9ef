// Backend "linux": liblhrt.so loaded into this process. The library is found from the system
// property legionhrt.lib, else <legionhrt.root>/legion-hrt-port/target/native/liblhrt.so.
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.legionhrt.legion.LegionException;

/** The runtime as a shared library in this process (internal). Loaded once per JVM. */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
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
            loadGlobal(lib);
            // The library stays loaded for the JVM's life: runtimes come and go, code does not.
            shared = new LhrtBindings(SymbolLookup.libraryLookup(lib, Arena.global()));
        }
        return new LinuxBackend(shared);
    }

    /**
     * dlopens the library RTLD_GLOBAL first, so that native task libraries loaded later by the
     * runtime (dlopen of the apps' kernels) resolve their lhrt_* calls against this very copy
     * without having to link against it. The JDK's own loading is RTLD_LOCAL.
     */
    private static void loadGlobal(Path lib) {
        Linker linker = Linker.nativeLinker();
        MemorySegment dlopen = linker.defaultLookup().find("dlopen")
                .orElseThrow(() -> new LegionException("dlopen not found in the C library"));
        // SAFETY: dlopen(const char *, int) -> void *, the libc prototype.
        MethodHandle mh = linker.downcallHandle(dlopen, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = (MemorySegment) mh.invokeExact(a.allocateFrom(lib.toString()), RTLD_NOW | RTLD_GLOBAL);
            if (h.equals(MemorySegment.NULL)) {
                throw new LegionException("cannot load " + lib + " (dlopen failed); rebuild it with ./hrt or mvn package");
            }
        } catch (LegionException e) {
            throw e;
        } catch (Throwable t) {
            throw new LegionException(0, "cannot load " + lib, t);
        }
    }

    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;

    /** {@return where liblhrt.so is} @throws LegionException naming the fix when it is not there */
    public static Path libraryPath() {
        String explicit = System.getProperty("legionhrt.lib");
        if (explicit != null && !explicit.isBlank()) {
            return requireFile(Path.of(explicit), "-Dlegionhrt.lib");
        }
        Path root = projectRoot();
        return requireFile(root.resolve("legion-hrt-port/target/native/liblhrt.so"), "legionhrt.root=" + root);
    }

    /**
     * {@return the project root: the nearest directory, from legionhrt.root (else the working
     * directory) upwards, that holds legion-hrt-port/; else legionhrt.root or the working directory}
     */
    public static Path projectRoot() {
        String root = System.getProperty("legionhrt.root");
        Path start = (root != null && !root.isBlank() ? Path.of(root) : Path.of("")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("legion-hrt-port"))) {
                return p;
            }
        }
        return start;
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

    /**
     * {@inheritDoc} Plain native memory, all of it reserved now: a size the process cannot get
     * is told as a LegionException naming it, not as the JVM's OutOfMemoryError.
     */
    @Override
    public MemorySegment allocateInstanceArena(Arena arena, long size) {
        try {
            return Backend.super.allocateInstanceArena(arena, size);
        } catch (OutOfMemoryError e) {
            throw new LegionException(0, "backend linux: cannot allocate the runtime's instance memory of "
                    + Backend.size(size) + " (" + e.getMessage() + "); lower RuntimeConfig.withMemorySize "
                    + "(0: instances allocated on demand)", e);
        }
    }

    @Override
    public void close() {
        // Nothing per runtime: the library stays mapped.
    }
}
