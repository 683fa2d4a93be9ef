package org.legionhrt.legion;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The task bodies a runtime recorded while tracing, as drained by {@link Runtime#drainTrace}:
 * a profile of where the time went, per task and per worker. {@link #writeChromeTrace} writes
 * it in the Trace Event format that Perfetto ({@code ui.perfetto.dev}) and
 * {@code chrome://tracing} open: one row per worker, one slice per task body.
 *
 * @param backend the runtime's backend ({@code linux} or {@code hrt})
 * @param workers the runtime's worker count
 * @param records the bodies, in no particular order across workers
 * @param lost    records the runtime could not keep (it ran out of memory for them)
 * @param callServer backend hrt: what its call server ran since tracing was last switched on or
 *                drained (null on linux, where each calling thread runs its own calls)
 */
public record TaskTrace(String backend, int workers, List<TaskRecord> records, long lost, CallServerLoad callServer) {
    /** Copies the list: a trace is a value. */
    public TaskTrace {
        records = List.copyOf(records);
    }

    /**
     * The HRT call server's load while the trace was recorded: the runtime calls it ran (answered
     * and posted) and the time they took. Against the span of the bodies it tells a busy server
     * from a host that keeps it waiting.
     *
     * @param calls     calls run
     * @param busyNanos their summed run time
     */
    public record CallServerLoad(long calls, long busyNanos) {}

    /** {@return the trace's span: first body start to last body end, in nanoseconds (0: no bodies)} */
    public long spanNanos() {
        long t0 = records.stream().mapToLong(TaskRecord::startNanos).min().orElse(0);
        long t1 = records.stream().mapToLong(TaskRecord::endNanos).max().orElse(0);
        return Math.max(0, t1 - t0);
    }

    /**
     * Per-task totals, the longest total first.
     *
     * @param task           the task's name
     * @param count          bodies run
     * @param totalNanos     their summed run time
     * @param maxNanos       the longest body
     * @param totalWaitNanos their summed waits from ready to start (bodies whose ready time is known)
     */
    public record TaskSummary(String task, long count, long totalNanos, long maxNanos, long totalWaitNanos) {
        /** {@return the mean body time in nanoseconds} */
        public double meanNanos() {
            return count == 0 ? 0 : (double) totalNanos / count;
        }

        /** {@return the mean wait from ready to start in nanoseconds} */
        public double meanWaitNanos() {
            return count == 0 ? 0 : (double) totalWaitNanos / count;
        }
    }

    /** {@return one summary per task name, the longest total time first} */
    public List<TaskSummary> summary() {
        Map<String, long[]> by = new LinkedHashMap<>();
        for (TaskRecord r : records) {
            long[] s = by.computeIfAbsent(r.task(), k -> new long[4]);
            s[0]++;
            s[1] += r.durationNanos();
            s[2] = Math.max(s[2], r.durationNanos());
            s[3] += r.waitNanos();
        }
        List<TaskSummary> out = new ArrayList<>();
        by.forEach((k, s) -> out.add(new TaskSummary(k, s[0], s[1], s[2], s[3])));
        out.sort(Comparator.comparingLong(TaskSummary::totalNanos).reversed());
        return out;
    }

    /**
     * {@return for each row (a worker's index, or -1 for the JVM's bodies), the fraction of the
     * trace's span, first start to last end, that it spent running bodies} Below 1 on a
     * worker's row is time it had nothing to run (or was waking up); the JVM row adds up all
     * its threads, so it can pass 1. Rows in ascending order.
     */
    public Map<Integer, Double> busy() {
        long span = spanNanos();
        Map<Integer, Double> out = new java.util.TreeMap<>();
        for (TaskRecord r : records) {
            out.merge(r.worker(), (double) r.durationNanos(), Double::sum);
        }
        out.replaceAll((row, ns) -> span > 0 ? ns / span : 0.0);
        return out;
    }

    /**
     * Writes the trace as Trace Event JSON: a complete event ({@code "ph":"X"}) per body, times in
     * microseconds from the earliest start, native bodies on the row of their worker, Java bodies
     * (whose JVM threads are not recorded) on rows "JVM bodies, lane k" laid out so that no two
     * bodies of a row overlap (a viewer draws overlapping slices of one row as nested calls);
     * each event's args hold its point, task id, failure and the wait from ready to start
     * ({@code wait_us}).
     *
     * @throws IOException if the file cannot be written
     */
    public void writeChromeTrace(Path file) throws IOException {
        long t0 = records.stream().mapToLong(TaskRecord::startNanos).min().orElse(0);
        Map<TaskRecord, Integer> row = rows();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
            w.write(meta("process_name", -1, "legion-hrt runtime (backend " + backend + ")"));
            for (int r : new TreeSet<>(row.values())) {
                w.write(",\n" + meta("thread_name", r, r < workers ? "worker " + r : "JVM bodies, lane " + (r - workers)));
            }
            for (TaskRecord r : records) {
                w.write(String.format(Locale.ROOT, ",\n{\"name\":%s,\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,"
                                + "\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"point\":%d,\"task_id\":%d,\"failed\":%b,"
                                + "\"wait_us\":%.3f}}",
                        quote(r.task()), r.variant() == Variant.JAVA ? "java" : "native",
                        row.get(r), (r.startNanos() - t0) / 1e3, r.durationNanos() / 1e3,
                        r.point(), r.taskId(), r.failed(), r.waitNanos() / 1e3));
            }
            w.write("\n]}\n");
        }
    }

    /** Each record's row: its worker's, or for a JVM body the first JVM lane free at its start. */
    private Map<TaskRecord, Integer> rows() {
        Map<TaskRecord, Integer> row = new java.util.IdentityHashMap<>();
        List<Long> laneEnds = new ArrayList<>();
        records.stream().sorted(Comparator.comparingLong(TaskRecord::startNanos)).forEach(r -> {
            if (r.worker() >= 0) {
                row.put(r, r.worker());
                return;
            }
            int lane = 0;
            while (lane < laneEnds.size() && laneEnds.get(lane) > r.startNanos()) {
                lane++;
            }
            if (lane == laneEnds.size()) {
                laneEnds.add(r.endNanos());
            } else {
                laneEnds.set(lane, r.endNanos());
            }
            row.put(r, workers + lane);
        });
        return row;
    }

    private static String meta(String what, int tid, String name) {
        return "{\"name\":\"" + what + "\",\"ph\":\"M\",\"pid\":1" + (tid >= 0 ? ",\"tid\":" + tid : "")
                + ",\"args\":{\"name\":" + quote(name) + "}}";
    }

    /** {@return s as a JSON string literal} */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
