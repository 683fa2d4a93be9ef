package org.legionhrt.hvm.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function names for failure reports: from .symtab, or from .dynsym when a shared library was
 * stripped, at the library's load bias. Builds a small library with gcc (and strips a copy).
 */
class SymbolsTest {
    private static final String SOURCE = """
            int helper(int x) { return x * 3; }
            int entry(int x) { return helper(x) + 1; }
            """;

    @Test
    void namesFunctionsOfALibraryAtItsLoadBiasFromSymtabOrDynsym(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("lib.c"), so = dir.resolve("libt.so"), stripped = dir.resolve("libt-stripped.so");
        Files.writeString(c, SOURCE);
        run("gcc", "-O1", "-shared", "-fPIC", "-o", so.toString(), c.toString());
        run("strip", "--strip-all", "-o", stripped.toString(), so.toString());
        long entry = symbolValue(so, "entry");
        long bias = 0x7f00_0000_0000L;
        for (Path lib : new Path[] {so, stripped}) {
            Symbols s = Symbols.of(Files.readAllBytes(lib), bias);
            assertThat(s.describe(bias + entry)).as(lib.getFileName().toString()).hasValue("entry+0x0");
            assertThat(s.describe(bias + entry + 2)).hasValue("entry+0x2");
            assertThat(s.describe(entry)).as("without the bias the address is not the library's").isEmpty();
        }
    }

    @Test
    void aTruncatedFileHasNoNamesRatherThanAnError() {
        assertThat(Symbols.of(new byte[] {0x7f, 'E', 'L', 'F'}, 0).describe(0x1000)).isEmpty();
    }

    private static long symbolValue(Path lib, String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nm", "-D", "--defined-only", lib.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        for (String l : out.split("\\R")) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 3 && f[2].equals(name)) {
                return Long.parseLong(f[0], 16);
            }
        }
        throw new AssertionError("nm -D found no " + name + ":\n" + out);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd) + ": " + out).isTrue();
    }
}
