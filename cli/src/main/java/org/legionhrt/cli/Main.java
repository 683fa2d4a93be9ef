package org.legionhrt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./hrt}: one picocli command per concern, each with {@code --help}.
 * Exit status follows the project's conventions: 0 success, 1 a failed run or test,
 * 2 bad usage or a missing prerequisite.
 */
@Command(name = "hrt",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "legion-hrt: a Legion-style runtime as a hybrid-runtime kernel beside the JVM.",
        subcommands = {
            DoctorCommand.class,
            TestCommand.class,
            NautilusCommand.class,
            HvmCommand.class,
            RunCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Exit status for a run or test that failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit status for bad usage or a missing prerequisite. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // `./hrt` alone: show what there is to do rather than doing nothing silently.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try ./hrt --help)");
    }

    /** Runs the CLI and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@return a configured command line, also used by tests} */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            // Bad values the parser could not see (an unknown app, a bad size) are usage errors too.
            return ex instanceof PrerequisiteException || ex instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILED;
        });
        // Every bad usage prints its reason, then the usage of the command at fault, also after
        // "Did you mean" suggestions (picocli leaves the usage out there by default).
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine at = ex.getCommandLine();
            java.io.PrintWriter err = at.getErr();
            err.println(ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            at.usage(err, at.getColorScheme());
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    /** Version from the build (the jar manifest) or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"legion-hrt " + (v == null ? "dev" : v)};
        }
    }
}
