package org.legionhrt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedRunTest {

    @Test
    void theDeadlineBoundsAChildThatKeepsItsOutputOpen() throws Exception {
        long t0 = System.nanoTime();
        // A child that prints, then keeps stdout open: reading all its output first would wait 30 s.
        BoundedRun.Outcome o = BoundedRun.run(List.of("sh", "-c", "echo started; exec sleep 30"), 1);
        assertThat(o.timedOut()).isTrue();
        assertThat(o.output()).contains("started");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
    }

    @Test
    void aFinishedChildGivesItsStatusAndOutput() throws Exception {
        BoundedRun.Outcome o = BoundedRun.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), 10);
        assertThat(o.timedOut()).isFalse();
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.output()).contains("out", "err");
    }
}
