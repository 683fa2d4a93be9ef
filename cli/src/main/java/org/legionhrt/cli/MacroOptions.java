package org.legionhrt.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.legionhrt.apps.AppOptions;
import org.legionhrt.bench.macro.SizePreset;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of {@code bench macro}, shared with {@code bench all}, and their up-front checks. */
final class MacroOptions {
    /** The apps the harness runs. */
    static final List<String> APPS = List.of("circuit", "stencil");
    /** Our backends (legion is added by --legion-circuit/--legion-stencil). */
    static final List<String> BACKENDS = List.of("linux", "hrt", "java");

    @Option(names = "--apps", split = ",", defaultValue = "circuit,stencil", description = "Apps (default: ${DEFAULT-VALUE}).")
    List<String> apps;

    @Option(names = "--backends", split = ",", defaultValue = "linux,hrt,java",
            description = "Backends (default: ${DEFAULT-VALUE}; hrt is left out where KVM is unusable).")
    List<String> backends;

    @Option(names = "--cpus", split = ",", defaultValue = "1,2",
            description = "CPU counts, each 1.." + AppOptions.MAX_CPUS + " and one the apps take at this --size on every "
                    + "backend (default: ${DEFAULT-VALUE}).")
    List<Integer> cpus;

    @Option(names = "--repeat", defaultValue = "5", description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--size", defaultValue = "default", description = "small, default, large or fine (many short tasks) (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--out", description = "Output folder, created and checked before anything runs (default: bench-results/<time>).")
    Path out;

    @Option(names = "--legion-circuit", description = "Your build of Legion's examples/circuit (adds backend legion).")
    Path legionCircuit;

    @Option(names = "--legion-stencil", description = "Your build of Legion's examples/realm_stencil (adds backend legion).")
    Path legionStencil;

    @Option(names = "--timeout", defaultValue = "900", description = "Seconds per run, at least 1 (default: ${DEFAULT-VALUE}).")
    long timeout;

    /**
     * Checks every option on its own (names, counts, limits) before anything runs.
     *
     * @throws CommandLine.ParameterException naming the option and the fix
     */
    void validate(CommandLine cl) {
        names(cl, "--apps", apps, APPS);
        names(cl, "--backends", backends, BACKENDS);
        if (cpus.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--cpus: no CPU counts: give e.g. --cpus 1,2");
        }
        for (int n : cpus) {
            if (n < 1 || n > AppOptions.MAX_CPUS) {
                throw new CommandLine.ParameterException(cl, "--cpus " + n + ": each CPU count must be 1.."
                        + AppOptions.MAX_CPUS + " (the runtime's most workers): give e.g. --cpus 1,2");
            }
        }
        if (new HashSet<>(cpus).size() != cpus.size()) {
            throw new CommandLine.ParameterException(cl, "--cpus " + join(cpus) + ": a count is named twice: name each once");
        }
        if (repeat < 1) {
            throw new CommandLine.ParameterException(cl, "--repeat " + repeat + ": must be at least 1");
        }
        if (timeout < 1) {
            throw new CommandLine.ParameterException(cl, "--timeout " + timeout + ": must be at least 1 second per run");
        }
        try {
            SizePreset.parse(size);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--size " + size + ": use small, default, large or fine");
        }
    }

    /**
     * Checks a list-valued option against its known names: no empty or unknown name, none twice.
     *
     * @throws CommandLine.ParameterException naming the valid ones
     */
    static void names(CommandLine cl, String flag, List<String> given, List<String> known) {
        String valid = String.join(", ", known);
        if (given.isEmpty() || given.stream().anyMatch(String::isBlank)) {
            throw new CommandLine.ParameterException(cl, flag + " '" + String.join(",", given)
                    + "': an empty name: give names separated by commas from " + valid);
        }
        for (String g : given) {
            if (!known.contains(g)) {
                throw new CommandLine.ParameterException(cl, flag + ": unknown name '" + g + "': use " + valid);
            }
        }
        if (new HashSet<>(given).size() != given.size()) {
            throw new CommandLine.ParameterException(cl, flag + " " + String.join(",", given)
                    + ": a name is given twice: name each once (" + valid + ")");
        }
    }

    private static String join(List<Integer> l) {
        return String.join(",", l.stream().map(String::valueOf).toList());
    }
}
