package org.legionhrt.legion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.legionhrt.legion.internal.LinuxBackend;

/** Test fixture: compiles src/test/c/kernels.c into a shared library once per JVM, and small test libraries (gcc). */
final class NativeKernels {
    private static Path lib;

    private NativeKernels() {}

    /** {@return the path of libkernels.so, built if missing or older than its source} */
    static synchronized Path library() {
        if (lib != null) {
            return lib;
        }
        Path root = LinuxBackend.projectRoot();
        Path src = root.resolve("legion-api/src/test/c/kernels.c");
        Path out = root.resolve("legion-api/target/test-native/libkernels.so");
        try {
            if (!Files.exists(out) || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) < 0) {
                Files.createDirectories(out.getParent());
                Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-shared", "-fPIC",
                        "-I", root.resolve("legion-hrt-port/include").toString(), "-o", out.toString(), src.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("gcc failed on kernels.c:\n" + log);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot build the test kernels", e);
        }
        lib = out;
        return lib;
    }

    /**
     * {@return lib{@code name}.so compiled from C {@code source} with the runtime's headers}
     * ({@code -shared -fPIC} unless {@code flags} say otherwise, e.g. an executable)
     */
    static Path compile(String name, String source, String... flags) {
        Path root = LinuxBackend.projectRoot();
        Path dir = root.resolve("legion-api/target/test-native");
        Path src = dir.resolve(name + ".c");
        Path out = dir.resolve("lib" + name + ".so");
        try {
            Files.createDirectories(dir);
            Files.writeString(src, source);
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gcc", "-O2", "-Wall",
                    "-I", root.resolve("legion-hrt-port/include").toString(), "-o", out.toString(), src.toString()));
            cmd.addAll(flags.length > 0 ? java.util.List.of(flags) : java.util.List.of("-shared", "-fPIC"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("gcc failed on " + name + ".c:\n" + log);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot build test library " + name, e);
        }
        return out;
    }
}
