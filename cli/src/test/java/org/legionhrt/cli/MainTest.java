package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private record Outcome(int status, String out, String err) {}

    private static Outcome run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Outcome(status, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Outcome o = run("--help");
        assertThat(o.status()).isZero();
        assertThat(o.out()).contains("doctor", "test", "nautilus", "hvm", "run", "bench");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Outcome o = run("no-such-command");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains("no-such-command");
    }

    @Test
    void subcommandHelpWorks() {
        Outcome o = run("doctor", "--help");
        assertThat(o.status()).isZero();
        assertThat(o.out()).contains("--install");
    }

    @Test
    void badFlagIsAUsageError() {
        assertThat(run("doctor", "--no-such-flag").status()).isEqualTo(Main.EXIT_USAGE);
    }
}
