package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.legionhrt.nautilus.KernelExit;
import org.legionhrt.nautilus.QemuRun;

/**
 * What {@code ./hrt nautilus} makes of a run: QEMU's own errors exit with status 1, which
 * isa-debug-exit also gives for the kernel's code 0 ("passed"), so a run that "passed" without a
 * result on its console is a failure, said on stderr; and the comparison table's ratios.
 */
class NautilusVerdictTest {

    @Test
    void aPassWithoutAResultIsAFailureThatShowsQemusWords() {
        QemuRun run = new QemuRun(KernelExit.PASSED, 1,
                List.of("qemu-system-x86_64: -m 99999999999G: Value '99999999999G' is out of range for parameter 'size'"),
                Duration.ofMillis(20));
        StringWriter err = new StringWriter();
        int status = NautilusCommand.reportAbnormal(new PrintWriter(err), "bench", run, 600);
        assertThat(status).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).startsWith("hrt nautilus bench: QEMU exited with status 1 (the kernel's \"passed\") but the "
                + "console holds no complete result; QEMU's own errors exit 1 too; last lines:\n")
                .contains("is out of range for parameter 'size'");
    }

    /** The comparison table printed "0.0x" for every ratio under 0.05 (QEMU's event_wakeup) and "Infinityx" for a zero median. */
    @Test
    void smallRatiosKeepTwoSignificantDigits() {
        assertThat(NautilusCommand.Bench.ratio(1141.94)).isEqualTo("1141.9x");
        assertThat(NautilusCommand.Bench.ratio(0.5)).isEqualTo("0.5x");
        assertThat(NautilusCommand.Bench.ratio(95226.0 / 2045810)).isEqualTo("0.047x");
        assertThat(NautilusCommand.Bench.ratio(Double.POSITIVE_INFINITY)).isEqualTo("-");
        assertThat(NautilusCommand.Bench.ratio(Double.NaN)).isEqualTo("-");
    }
}
