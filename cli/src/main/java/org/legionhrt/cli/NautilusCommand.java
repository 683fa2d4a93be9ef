package org.legionhrt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code ./hrt nautilus}: The aerokernel: self-tests and microbenchmarks under QEMU. Not built yet: says so and exits 2. */
@Command(name = "nautilus", mixinStandardHelpOptions = true, description = "The aerokernel: self-tests and microbenchmarks under QEMU.")
final class NautilusCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", description = "Arguments (not yet accepted).")
    List<String> args = new ArrayList<>();

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
        throw new PrerequisiteException("'nautilus' is not yet built in this tree (see the open issues)");
    }
}
