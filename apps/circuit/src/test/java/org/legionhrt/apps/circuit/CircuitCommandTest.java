package org.legionhrt.apps.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CircuitCommandTest {

    private static CircuitCommand parsed(String... args) {
        CircuitCommand c = new CircuitCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    /**
     * A circuit whose instances fit the host but whose plain-array copies (the result read back
     * and the sequential reference) do not fit the JVM's heap is refused before it runs: it used
     * to run to the end and die of an OutOfMemoryError (a stack trace, exit 1) in validation.
     */
    @Test
    void aCircuitWhoseValidationCannotFitTheHeapIsRefusedBeforeItRuns() {
        long nodes = Runtime.getRuntime().maxMemory() / 16 + 1;  // a node is 16 bytes of arrays: one copy is too big
        String p = Long.toString((nodes >> 30) + 1);                  // pieces, so that -npp stays an int
        String npp = Long.toString(nodes / ((nodes >> 30) + 1) + 1);
        CircuitCommand c = parsed("-p", p, "-pct", "100", "-wpp", "1", "-npp", npp, "--backend", "linux");
        assertThatThrownBy(c::check).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of Java heap").hasMessageContaining("--no-check")
                .hasMessageContaining("-Xmx").hasMessageContaining("lower -p, -npp or -wpp");
        // --no-check reads nothing back, so it needs no such heap.
        assertThat(parsed("-p", p, "-pct", "100", "-wpp", "1", "-npp", npp, "--backend", "linux", "--no-check")
                .check().nodes()).isGreaterThanOrEqualTo(nodes);
    }

    /**
     * A missing libcircuit.so is a missing prerequisite, found by check() before anything runs
     * (exit 2 in the CLI); it used to surface after the settings line and the runtime's start,
     * as a run failure (exit 1).
     */
    @Test
    void aMissingNativeLibraryIsFoundBeforeTheRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        String root = System.getProperty("legionhrt.root");
        System.setProperty("legionhrt.root", empty.toString());
        try {
            CircuitCommand c = new CircuitCommand();
            new CommandLine(c).parseArgs("-l", "1", "-i", "1", "--backend", "linux");
            org.assertj.core.api.Assertions.assertThatThrownBy(c::check).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(empty.resolve("apps/circuit/target/native/libcircuit.so")
                            + " is missing: build it with ./hrt (or make -C apps/circuit)");
            CircuitCommand java = new CircuitCommand();
            new CommandLine(java).parseArgs("-l", "1", "-i", "1", "--backend", "java");
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
