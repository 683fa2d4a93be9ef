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
}
