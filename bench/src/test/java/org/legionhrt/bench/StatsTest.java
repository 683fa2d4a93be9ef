package org.legionhrt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankStatisticsOfKnownSamples() {
        double[] s = IntStream.rangeClosed(1, 100).mapToDouble(i -> 101 - i).toArray(); // 100..1, unsorted
        Stats st = Stats.of(s);
        assertThat(st).isEqualTo(new Stats(100, 1, 50, 99, 100));
        assertThat(st.spread()).isEqualTo(99.0 / 50);
        assertThat(s[0]).as("input untouched").isEqualTo(100);
    }

    @Test
    void oneSampleIsEveryStatistic() {
        assertThat(Stats.of(7)).isEqualTo(new Stats(1, 7, 7, 7, 7));
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(Stats::of).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no samples");
    }

    @Test
    void jsonLineRoundTrips() {
        BenchLine b = new BenchLine("thread_create", "nautilus", "cycles", new Stats(10, 100, 120, 180.5, 200),
                Map.of("env", "qemu-tcg", "tsc_hz", 2.6e9));
        String json = b.toJson();
        assertThat(json).startsWith("{\"bench\":\"thread_create\",\"impl\":\"nautilus\",\"unit\":\"cycles\",\"n\":10,");
        assertThat(BenchLine.parse(json)).isEqualTo(b);
    }

    @Test
    void parsesLinesFromOtherProducers() {
        BenchLine b = BenchLine.parse("{\"bench\":\"index_launch_empty\",\"impl\":\"lhrt-linux\",\"unit\":\"ns\","
                + "\"n\":10000, \"min\":310.5,\"median\":402,\"p99\":900,\"max\":1500,\"workers\":2}");
        assertThat(b.stats().median()).isEqualTo(402);
        assertThat(b.extra()).containsEntry("workers", 2.0);
        assertThatThrownBy(() -> BenchLine.parse("{\"bench\":\"x\"}")).hasMessageContaining("impl");
    }
}
