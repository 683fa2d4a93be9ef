package org.legionhrt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs {@code ./hrt} in-process for the CLI tests: its exit status, what it wrote to stdout
 * (picocli's and System.out together) and to stderr.
 *
 * @param status the exit status
 * @param out    standard output
 * @param err    standard error
 */
record CliRun(int status, String out, String err) {

    /** {@return the first line on stderr: the reason of a refusal} */
    String reason() {
        return err.lines().findFirst().orElse("");
    }

    /** {@return the outcome of {@code ./hrt args…}} */
    static CliRun run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            int status = cl.execute(args);
            return new CliRun(status, out + stdout.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }
}
