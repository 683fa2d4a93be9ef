// Native variants' shared libraries on backend hrt. The HRT has no files: before the first
// registration that names a library, the JVM reads the library and hands its bytes to the HRT's
// module loader (lhrt_hrt_module_load, legion-hrt-port/platform/nautilus/module.c), which does
// there what dlopen does on Linux. The very lib<name>.so the linux backend loads runs in the HRT.
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.legionhrt.legion.LegionException;

/** Libraries loaded into one HRT as modules (internal; thread safe). */
final class HrtModules {
    private static final FunctionDescriptor LOAD = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor BIAS = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    /** A library this size is not a task library: refuse rather than fill the merged region. */
    private static final long MAX_BYTES = 64L << 20;

    private final HrtCalls calls;
    private final HrtMemory mem;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private static final String LOAD_FN = "lhrt_hrt_module_load", BIAS_FN = "lhrt_hrt_module_bias";
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    HrtModules(HrtCalls calls, HrtMemory mem) {
        this.calls = calls;
        this.mem = mem;
    }

    /** {@return the library a registration names (a C string), or null for none} */
    private static String name(MemorySegment library) {
        return library.equals(MemorySegment.NULL) || library.byteSize() == 0 ? null : library.getString(0);
    }

    /**
     * Makes sure the library named by C string {@code library} (NULL: none) is loaded in the HRT
     * when it is a file here. {@return 0, or the status of the failed load (its message is this
     * thread's last error)} A name that is no file is left to the HRT, whose image may have the
     * variant linked in.
     */
    int ensureLoaded(MemorySegment library) {
        String name = name(library);
        if (name == null) {
            return 0;
        }
        Path file = Path.of(name);
        if (loaded.contains(name) || !Files.isRegularFile(file)) {
            return 0;
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new LegionException(0, "backend hrt: native task library " + name + " is over "
                        + (MAX_BYTES >> 20) + " MiB; the HRT loads task libraries, not whole programs", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LegionException(0, "backend hrt: cannot read native task library " + name + ": " + e.getMessage(), e);
        }
        MemorySegment elf = mem.allocate(bytes.length, 64);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment.copy(bytes, 0, elf, JAVA_BYTE, 0, bytes.length);
            MemorySegment cname = a.allocateFrom(name);
            int st = (int) handle(LOAD_FN, LOAD).invokeExact(cname, elf, (long) bytes.length);
            if (st == 0) {
                loaded.add(name);
                long bias = (long) handle(BIAS_FN, BIAS).invokeExact(cname);
                calls.addModuleSymbols(file.getFileName().toString(), bytes, bias);   // names its functions in failures
            }
            return st;
        } catch (LegionException e) {
            throw e;
        } catch (Throwable t) {
            throw new LegionException(0, "backend hrt: loading " + name + " into the HRT failed: " + t, t);
        } finally {
            mem.free(elf);
        }
    }

    /**
     * {@return what to say when a registration naming {@code library} failed and no such file
     * exists here, as dlopen would on Linux (rather than the HRT's "not in the image"); null to
     * keep the HRT's message}
     */
    static String missingFile(MemorySegment library) {
        String name = name(library);
        return name == null || Files.exists(Path.of(name)) ? null : "cannot open " + name + ": no such file (backend hrt"
                + " loads a native task library into the HRT from this file; the symbol is not linked into the HRT image either)";
    }

    private MethodHandle handle(String fn, FunctionDescriptor type) {
        return handles.computeIfAbsent(fn, f -> {
            MethodHandle h = calls.handle(f, type);
            if (h == null) {
                throw new LegionException(0, "backend hrt: the HRT image has no module loader (" + f + ");"
                        + " rebuild it (make -C legion-hrt-port/hrt all)", null);
            }
            return h;
        });
    }
}
