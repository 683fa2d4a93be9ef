package org.legionhrt.cli;

import java.util.concurrent.Callable;
import org.legionhrt.apps.circuit.CircuitCommand;
import org.legionhrt.apps.stencil.StencilCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./hrt run circuit|stencil}: the macrobenchmarks, each a command of its app module. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a macrobenchmark (circuit, stencil).",
        subcommands = {CircuitCommand.class, StencilCommand.class})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing app: circuit or stencil (see ./hrt run --help)");
    }
}
