// The native twin of the empty Java task for the launch benchmarks: a one-line C task body,
// compiled with gcc into a temporary shared library the first time a benchmark needs it.
package org.legionhrt.bench.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds libbench_empty.so holding {@code bench_empty}, an lhrt_task_fn that does nothing. */
public final class NativeEmptyTask {
    /** The symbol of the empty native task. */
    public static final String SYMBOL = "bench_empty";

    private static final String SOURCE = """
            /* bench_empty: an lhrt_task_fn that does nothing (launch-overhead benchmarks). */
            #include <stdint.h>
            typedef struct { void *impl; } lhrt_ctx_t;
            void bench_empty(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
              (void)ctx; (void)args; (void)len; (void)user;
            }
            """;

    private static Path lib;

    private NativeEmptyTask() {}

    /** {@return the library path, compiling it on first use} @throws IllegalStateException if gcc fails */
    public static synchronized Path library() {
        if (lib != null) {
            return lib;
        }
        try {
            Path dir = Files.createTempDirectory("lhrt-bench");
            Path c = dir.resolve("bench_empty.c");
            Path so = dir.resolve("libbench_empty.so");
            Files.writeString(c, SOURCE);
            Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-o", so.toString(),
                    c.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("gcc failed on the empty bench task (is gcc installed? ./hrt doctor):\n" + out);
            }
            so.toFile().deleteOnExit();
            c.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            lib = so;
            return so;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot build the empty native bench task", e);
        }
    }
}
