package org.legionhrt.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.legionhrt.bench.BenchLine;
import org.legionhrt.bench.Stats;
import org.openjdk.jmh.annotations.Benchmark;

/** The JSON lines of {@code ./hrt bench api}, built from every benchmark method without running JMH. */
class ApiBenchLineTest {

    @Test
    void everyReportedBenchmarkMakesALineInTheFormatWithItsEnv() {
        Method[] methods = Arrays.stream(ApiBenchmarks.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class)).toArray(Method[]::new);
        assertThat(methods).isNotEmpty();
        for (Method m : methods) {
            if (ApiBench.jsonName(m.getName()) == null) {
                continue;
            }
            BenchLine l = BenchLine.parse(ApiBench.line(m.getName(), new Stats(5, 10, 12, 20, 20)).toJson());
            boolean hrt = m.getName().contains("Hrt");
            assertThat(l.impl()).as(m.getName()).isEqualTo(hrt ? "hrt" : "linux");
            assertThat(l.extra()).as(m.getName()).containsEntry("env", hrt ? "hvm-kvm" : "linux");
            assertThat(l.unit()).isEqualTo("ns");
        }
    }

    /** JMH's progress and table used to go to stdout, ahead of the JSON lines. */
    @Test
    void jmhWritesWhereItIsTold() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            ApiBench.jmhOutput(new PrintStream(b, true, StandardCharsets.UTF_8)).println("# Warmup Iteration   1:");
        } finally {
            System.setOut(saved);
        }
        assertThat(b.toString(StandardCharsets.UTF_8)).contains("# Warmup Iteration   1:");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
