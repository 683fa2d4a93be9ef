package org.legionhrt.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code bench macro}, shared with {@code bench all}. */
final class MacroOptions {
    @Option(names = "--apps", split = ",", defaultValue = "circuit,stencil", description = "Apps (default: ${DEFAULT-VALUE}).")
    List<String> apps;

    @Option(names = "--backends", split = ",", defaultValue = "linux,hrt,java",
            description = "Backends (default: ${DEFAULT-VALUE}; hrt is left out where KVM is unusable).")
    List<String> backends;

    @Option(names = "--cpus", split = ",", defaultValue = "1,2", description = "CPU counts (default: ${DEFAULT-VALUE}).")
    List<Integer> cpus;

    @Option(names = "--repeat", defaultValue = "5", description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--size", defaultValue = "default", description = "small, default, large or fine (many short tasks) (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--out", description = "Output folder (default: bench-results/<time>).")
    Path out;

    @Option(names = "--legion-circuit", description = "Your build of Legion's examples/circuit (adds backend legion).")
    Path legionCircuit;

    @Option(names = "--legion-stencil", description = "Your build of Legion's examples/realm_stencil (adds backend legion).")
    Path legionStencil;

    @Option(names = "--timeout", defaultValue = "900", description = "Seconds per run (default: ${DEFAULT-VALUE}).")
    long timeout;
}
