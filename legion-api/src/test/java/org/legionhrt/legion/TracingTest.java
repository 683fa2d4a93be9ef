package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Task tracing on both backends: one record per body that ran, named, placed on a worker
 * (Java bodies on -1), in order in time; none while off; a Trace Event file that lists them.
 */
class TracingTest {
    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void everyBodyLeavesOneNamedRecord(String backend, @TempDir Path dir) throws Exception {
        try (Runtime rt = Runtime.start(Backends.config(backend, 2))) {
            TaskId<Long> nativeTask = rt.registerNativeTask("triple \"point\"", ValueType.LONG, NativeKernels.library(),
                    "test_triple_point");
            TaskId<Void> javaTask = rt.registerTask("java body", ctx -> { });
            TaskId<Void> failing = rt.registerTask("fails", ctx -> {
                throw new IllegalStateException("on purpose");
            });
            rt.context().executeAndWait(IndexLauncher.of(nativeTask, rt.indexSpace(8)));
            assertThat(rt.drainTrace().records()).as("nothing while tracing is off").isEmpty();

            rt.setTracing(true);
            rt.context().executeAndWait(IndexLauncher.of(nativeTask, rt.indexSpace(40)));
            rt.context().executeAndWait(IndexLauncher.of(javaTask, rt.indexSpace(5)));
            try (Future<Void> f = rt.context().execute(TaskLauncher.of(failing))) {
                assertThatThrownBy(f::get).isInstanceOf(TaskFailedException.class);
            }
            TaskTrace trace = rt.drainTrace();
            rt.setTracing(false);
            rt.context().executeAndWait(IndexLauncher.of(nativeTask, rt.indexSpace(8)));
            assertThat(rt.drainTrace().records()).as("nothing after tracing was switched off").isEmpty();

            assertThat(trace.backend()).isEqualTo(backend);
            assertThat(trace.lost()).isZero();
            if (backend.equals("hrt")) {                 // the launches and the Java bodies' calls ran there
                assertThat(trace.callServer()).isNotNull();
                assertThat(trace.callServer().calls()).isGreaterThan(5);
                assertThat(trace.callServer().busyNanos()).isPositive();
            } else {
                assertThat(trace.callServer()).isNull();
            }
            Map<String, List<TaskRecord>> by = trace.records().stream().collect(Collectors.groupingBy(TaskRecord::task));
            assertThat(by.keySet()).containsExactlyInAnyOrder("triple \"point\"", "java body", "fails");
            assertThat(by.get("triple \"point\"")).extracting(TaskRecord::point)
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(0, 40).boxed().toList());
            assertThat(by.get("triple \"point\"")).allSatisfy(r -> {
                assertThat(r.variant()).isEqualTo(Variant.NATIVE);
                assertThat(r.worker()).isBetween(0, rt.workerCount() - 1);
                assertThat(r.failed()).isFalse();
                assertThat(r.taskId()).isEqualTo(nativeTask.id());
            });
            assertThat(by.get("java body")).hasSize(5).allSatisfy(r -> {
                assertThat(r.variant()).isEqualTo(Variant.JAVA);
                assertThat(r.worker()).isEqualTo(-1);
            });
            assertThat(by.get("fails")).singleElement().satisfies(r -> assertThat(r.failed()).isTrue());
            assertThat(trace.records()).allSatisfy(r -> {
                assertThat(r.endNanos()).isGreaterThanOrEqualTo(r.startNanos());
                assertThat(r.readyNanos()).as("ready before start").isPositive().isLessThanOrEqualTo(r.startNanos());
                assertThat(r.waitNanos()).isEqualTo(r.startNanos() - r.readyNanos());
            });
            long lastNative = by.get("triple \"point\"").stream().mapToLong(TaskRecord::endNanos).max().orElseThrow();
            long firstJava = by.get("java body").stream().mapToLong(TaskRecord::startNanos).min().orElseThrow();
            assertThat(firstJava).as("the second launch's bodies start after the first's ended").isGreaterThanOrEqualTo(lastNative);
            assertThat(trace.summary()).extracting(TaskTrace.TaskSummary::task, TaskTrace.TaskSummary::count)
                    .contains(org.assertj.core.groups.Tuple.tuple("java body", 5L));
            assertThat(trace.busy()).containsKey(-1).allSatisfy((row, f) ->
                    assertThat(f).isBetween(0.0, row < 0 ? Double.MAX_VALUE : 1.0));

            Path json = dir.resolve("trace.json");
            trace.writeChromeTrace(json);
            String text = Files.readString(json);
            assertThat(text).startsWith("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[").endsWith("]}\n")
                    .contains("\"name\":\"triple \\\"point\\\"\"").contains("\"args\":{\"name\":\"JVM bodies, lane 0\"}");
            assertThat(text.split("\"ph\":\"X\"", -1)).hasSize(40 + 5 + 1 + 1);
        }
    }

    /** JVM bodies that overlap go to different rows of the trace file, so a viewer does not nest them. */
    @org.junit.jupiter.api.Test
    void overlappingJavaBodiesGetRowsOfTheirOwn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.util.function.BiFunction<Long, Long, TaskRecord> jvm =
                (start, end) -> new TaskRecord("j", 1, start, -1, Variant.JAVA, false, start, start, end);
        TaskTrace trace = new TaskTrace("linux", 2, java.util.List.of(jvm.apply(0L, 10_000L), jvm.apply(5_000L, 15_000L),
                jvm.apply(12_000L, 20_000L), new TaskRecord("n", 2, 0, 1, Variant.NATIVE, false, 0, 0, 30_000)), 0, null);
        Path json = dir.resolve("lanes.json");
        trace.writeChromeTrace(json);
        String text = Files.readString(json);
        java.util.List<String> tids = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"cat\":\"java\",\"ph\":\"X\",\"pid\":1,\"tid\":(\\d+)")
                .matcher(text);
        while (m.find()) {
            tids.add(m.group(1));
        }
        assertThat(tids).containsExactly("2", "3", "2");      // lanes after the 2 workers' rows: 0, 1, 0 again
        assertThat(text).contains("\"name\":\"JVM bodies, lane 1\"").contains("\"name\":\"worker 1\"");
    }

    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void aClosedRuntimeRefusesToTrace(String backend) {
        Runtime rt = Runtime.start(Backends.config(backend, 1));
        rt.close();
        assertThatThrownBy(() -> rt.setTracing(true)).isInstanceOf(LegionException.class);
        assertThatThrownBy(rt::drainTrace).isInstanceOf(LegionException.class);
    }
}
