package org.legionhrt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code ./hrt hvm}: The hybrid virtual machine: boot the aerokernel, benchmarks. Not built yet: says so and exits 2. */
@Command(name = "hvm", mixinStandardHelpOptions = true, description = "The hybrid virtual machine: boot the aerokernel, benchmarks.")
final class HvmCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", description = "Arguments (not yet accepted).")
    List<String> args = new ArrayList<>();

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
        throw new PrerequisiteException("'hvm' is not yet built in this tree (see the open issues)");
    }
}
