package org.legionhrt.apps.stencil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StencilCommandTest {

    /** The JSON summary names every parameter of the run: -init was accepted, used, and left out. */
    @Test
    void jsonSummaryCarriesEveryParameter() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            status = new CommandLine(new StencilCommand()).execute("-nx", "16", "-ny", "12", "-ntx", "1", "-nty", "1",
                    "-r", "1", "-tsteps", "3", "-tprune", "1", "-init", "7.5", "--backend", "java", "--cpus", "1", "--json");
        } finally {
            System.setOut(old);
        }
        String json = buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).findFirst().orElse("");
        assertThat(status).isZero();
        assertThat(json).contains("\"nx\":16,\"ny\":12,\"ntx\":1,\"nty\":1,\"r\":1,\"tsteps\":3,\"tprune\":1,\"init\":7.5")
                .contains("\"validated\":true");
    }

    /**
     * A missing libstencil.so is a missing prerequisite, found by check() before anything runs
     * (exit 2 in the CLI); it used to surface after the settings line and the runtime's start,
     * as a run failure (exit 1).
     */
    @Test
    void aMissingNativeLibraryIsFoundBeforeTheRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        String root = System.getProperty("legionhrt.root");
        System.setProperty("legionhrt.root", empty.toString());
        try {
            StencilCommand c = new StencilCommand();
            new CommandLine(c).parseArgs("-nx", "16", "-ny", "16", "--backend", "linux");
            org.assertj.core.api.Assertions.assertThatThrownBy(c::check).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(empty.resolve("apps/stencil/target/native/libstencil.so")
                            + " is missing: build it with ./hrt (or make -C apps/stencil)");
            StencilCommand java = new StencilCommand();
            new CommandLine(java).parseArgs("-nx", "16", "-ny", "16", "--backend", "java");
            java.check();                                       // the Java kernels need no library
        } finally {
            if (root == null) {
                System.clearProperty("legionhrt.root");
            } else {
                System.setProperty("legionhrt.root", root);
            }
        }
    }
}
