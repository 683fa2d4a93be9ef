package org.legionhrt.legion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.legionhrt.legion.internal.LinuxBackend;

/** Test fixture: compiles src/test/c/kernels.c into a shared library once per JVM (gcc). */
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
}
