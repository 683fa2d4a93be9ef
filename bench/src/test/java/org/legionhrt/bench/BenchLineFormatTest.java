package org.legionhrt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules of CONVENTIONS.md on a benchmark line, enforced where every line passes: a snake_case
 * name, a known unit, at least one sample, finite statistics in order, one unit per compared name.
 */
class BenchLineFormatTest {

    private static final Stats OK = new Stats(10, 1, 2, 3, 4);

    private static String json(String bench, String unit, String n, String min, String median, String p99, String max) {
        return "{\"bench\":\"" + bench + "\",\"impl\":\"linux\",\"unit\":\"" + unit + "\",\"n\":" + n + ",\"min\":" + min
                + ",\"median\":" + median + ",\"p99\":" + p99 + ",\"max\":" + max + "}";
    }

    @Test
    void namesAreSnakeCase() {
        for (String bad : new String[] {"ThreadCreate", "thread-create", "thread create", "_x", "x__y", "x_", "1x", ""}) {
            assertThatThrownBy(() -> new BenchLine(bad, "linux", "ns", OK, Map.of())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be snake_case");
        }
        assertThat(new BenchLine("native_launch_shared_cpu0", "hrt", "ns", OK, Map.of()).bench()).isEqualTo("native_launch_shared_cpu0");
    }

    @Test
    void unitsAreTheFiveOfTheConventions() {
        for (String u : new String[] {"cycles", "ns", "us", "ms", "s"}) {
            assertThat(BenchLine.parse(json("x", u, "1", "1", "1", "1", "1")).unit()).isEqualTo(u);
        }
        assertThatThrownBy(() -> BenchLine.parse(json("x", "µs", "1", "1", "1", "1", "1")))
                .hasMessage("bench line x/linux: \"unit\" µs is not one of [cycles, ms, ns, s, us]");
        assertThatThrownBy(() -> new BenchLine("x", " ", "ns", OK, Map.of())).hasMessageContaining("\"impl\" is empty");
    }

    @Test
    void statisticsAreFiniteOrderedAndOverSamples() {
        assertThatThrownBy(() -> BenchLine.parse(json("x", "ns", "0", "1", "1", "1", "1"))).hasMessageContaining("at least one sample");
        assertThatThrownBy(() -> BenchLine.parse(json("x", "ns", "1.5", "1", "1", "1", "1"))).hasMessageContaining("whole number");
        assertThat(BenchLine.parse(json("x", "ns", "1e4", "1", "1", "1", "1")).stats().n()).isEqualTo(10000);
        assertThatThrownBy(() -> BenchLine.parse(json("x", "ns", "5", "1", "3", "2", "4"))).hasMessageContaining("out of order");
        assertThatThrownBy(() -> BenchLine.parse(json("x", "ns", "5", "1", "2", "3", "NaN"))).hasMessageContaining("lacks \"max\"");
        assertThatThrownBy(() -> new BenchLine("x", "linux", "ns", new Stats(3, 1, Double.NaN, 2, 3), Map.of()))
                .hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> new BenchLine("x", "linux", "ns", new Stats(3, 1, 2, 3, Double.POSITIVE_INFINITY), Map.of()))
                .hasMessageContaining("not a finite number");
    }

    @Test
    void comparedImplementationsShareTheirUnit() {
        BenchLine a = new BenchLine("boot", "hrt", "us", OK, Map.of());
        BenchLine b = new BenchLine("boot", "linux", "ms", OK, Map.of());
        BenchLine c = new BenchLine("call", "hrt", "ns", OK, Map.of());
        assertThat(BenchLine.unitMismatches(List.of(a, c, b)))
                .containsExactly("bench boot: the implementations compared differ in unit {hrt=us, linux=ms}");
        assertThat(BenchLine.unitMismatches(List.of(a, c))).isEmpty();
    }

    /**
     * Extra fields keep their JSON type through parse and toJson (bench micro reprints every line):
     * a boolean was reprinted as the string "true", an escaped quote was escaped twice, a quoted
     * number in a required field was taken as a number.
     */
    @Test
    void extrasKeepTheirTypeThroughARoundTrip() {
        String in = "{\"bench\":\"hvm_boot\",\"impl\":\"hrt\",\"unit\":\"us\",\"n\":2,\"min\":1,\"median\":1,\"p99\":2,"
                + "\"max\":2,\"jit_idle\":false,\"path\":\"boot() \\\"to\\\" ready\",\"warmup_boots\":30,\"gone\":null}";
        BenchLine b = BenchLine.parse(in);
        assertThat(b.extra()).containsEntry("jit_idle", false).containsEntry("path", "boot() \"to\" ready")
                .containsEntry("warmup_boots", 30.0).doesNotContainKey("gone");
        String out = b.toJson();
        assertThat(out).contains("\"jit_idle\":false", "\"path\":\"boot() \\\"to\\\" ready\"");
        assertThat(BenchLine.parse(out)).isEqualTo(b);
        assertThatThrownBy(() -> BenchLine.parse(json("x", "ns", "\"5\"", "1", "1", "1", "1"))).hasMessageContaining("not a number");
        assertThat(new BenchLine("x", "a", "ns", OK, Map.of("note", "two\nlines")).toJson()).contains("\"note\":\"two\\nlines\"")
                .doesNotContain("\n");
    }
}
