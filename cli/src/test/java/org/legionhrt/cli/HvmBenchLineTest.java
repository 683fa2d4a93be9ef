package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.legionhrt.bench.BenchLine;
import picocli.CommandLine;

/** The JSON lines of {@code ./hrt hvm bench}, built without booting anything. */
class HvmBenchLineTest {

    private static HvmCommand.Bench bench() {
        HvmCommand.Bench b = new HvmCommand.Bench();
        new CommandLine(b).parseArgs();          // the defaults: 2 cores, 256M
        return b;
    }

    /** The percentiles are nearest-rank, as Stats and every other producer: p99 of two samples is the larger. */
    @Test
    void percentilesAreNearestRank() {
        HvmCommand.Bench.Row two = new HvmCommand.Bench.Row("hvm_boot", "p", new long[] {1000, 3000});
        assertThat(two.pct(0.5)).isEqualTo(1000);
        assertThat(two.pct(0.99)).isEqualTo(3000);
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        HvmCommand.Bench.Row r = new HvmCommand.Bench.Row("ring_null_call", "p", hundred);
        assertThat(r.pct(0.5)).isEqualTo(50);
        assertThat(r.pct(0.99)).isEqualTo(99);
        assertThat(new HvmCommand.Bench.Row("x", "p", new long[] {7}).pct(0.99)).isEqualTo(7);
    }

    /** Each line is in the project's format and says where it ran, so micro.csv's env column is filled. */
    @Test
    void linesAreInTheProjectsFormatWithTheirEnv() {
        HvmCommand.Bench b = bench();
        BenchLine boot = BenchLine.parse(b.json(new HvmCommand.Bench.Row("hvm_boot", "boot", new long[] {2_800_000, 4_500_000},
                ",\"warmup_boots\":30,\"jit_idle\":true")));
        assertThat(boot.unit()).isEqualTo("us");
        assertThat(boot.stats().p99()).isEqualTo(4500.0);
        assertThat(boot.extra()).containsEntry("env", "hvm-kvm").containsEntry("cores", 2.0);
        BenchLine call = BenchLine.parse(b.json(new HvmCommand.Bench.Row("ring_null_call", "ring", new long[] {1700, 2900, 7000})));
        assertThat(call.unit()).isEqualTo("ns");
        assertThat(call.extra()).containsEntry("env", "hvm-kvm");
    }
}
