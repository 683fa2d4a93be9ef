package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.legionhrt.legion.internal.LinuxBackend;

/** The four examples of legion-api/README.md, run; and a check that the README shows exactly this code. */
class ReadmeExamplesTest {

    // README example 1 begins
    static String helloWorld() {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            TaskId<String> hello = rt.registerTask("hello", ValueType.STRING,
                    task -> "Hello, " + task.args(ValueType.STRING) + "!");
            try (Future<String> f = rt.context().execute(TaskLauncher.of(hello).args(ValueType.STRING, "world"))) {
                return f.get();                                  // "Hello, world!"
            }
        }
    }
    // README example 1 ends

    // README example 2 begins
    static double[] daxpy(int n, int pieces, double alpha) {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            Context ctx = rt.context();
            FieldSpace fs = rt.fieldSpace();
            Field x = fs.allocate(FieldType.DOUBLE);
            Field y = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs);
            ctx.fill(r, x, 1.0);
            ctx.fill(r, y, 2.0);
            Partition blocks = ctx.partitionEqual(r, pieces);    // colors 0..pieces-1
            TaskId<Void> daxpy = rt.registerTask("daxpy", task -> {
                double a = task.args(ValueType.DOUBLE);
                DoubleAccessor xs = task.region(0).doubleField(x);
                DoubleAccessor ys = task.region(1).doubleField(y);
                Rect b = ys.bounds();                            // this point's block
                for (long i = b.lo(0); i <= b.hi(0); i++) {
                    ys.set(i, a * xs.get(i) + ys.get(i));
                }
            });
            ctx.executeAndWait(IndexLauncher.of(daxpy, blocks.colorSpace())
                    .args(ValueType.DOUBLE, alpha)
                    .add(RegionRequirement.of(blocks, Privilege.READ_ONLY, x))
                    .add(RegionRequirement.of(blocks, Privilege.READ_WRITE, y)));
            try (PhysicalRegion result = ctx.map(r, Privilege.READ_ONLY, y)) {
                return result.doubleField(y).toArray();
            }
        }
    }
    // README example 2 ends

    // README example 3 begins
    static double sum(int n, int pieces) {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            Context ctx = rt.context();
            FieldSpace fs = rt.fieldSpace();
            Field v = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs);
            try (PhysicalRegion init = ctx.map(r, Privilege.WRITE_DISCARD, v)) {
                DoubleAccessor a = init.doubleField(v);
                for (long i = 0; i < n; i++) {
                    a.set(i, i);
                }
            }
            Partition blocks = ctx.partitionEqual(r, pieces);
            TaskId<Double> partial = rt.registerTask("partial", ValueType.DOUBLE, task -> {
                double s = 0;
                for (double d : task.region(0).doubleField(v).toArray()) {
                    s += d;
                }
                return s;
            });
            IndexLauncher<Double> sums = IndexLauncher.of(partial, blocks.colorSpace())
                    .add(RegionRequirement.of(blocks, Privilege.READ_ONLY, v));
            try (Future<Double> total = ctx.executeReduce(sums, ReductionOp.SUM_DOUBLE)) {
                return total.get();                              // n(n-1)/2
            }
        }
    }
    // README example 3 ends

    // README example 4 begins
    static double[] smooth(int n, int pieces, int steps) {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            Context ctx = rt.context();
            FieldSpace fs = rt.fieldSpace();
            Field u = fs.allocate(FieldType.DOUBLE);
            LogicalRegion cells = rt.createRegion(rt.indexSpace(n), fs);
            LogicalRegion before = rt.createRegion(rt.indexSpace(n), fs);
            ctx.fill(cells, u, 0.0);
            try (PhysicalRegion init = ctx.map(cells, Privilege.READ_WRITE, u)) {
                init.doubleField(u).set(n / 2, 300.0);           // one hot cell
            }
            Partition blocks = ctx.partitionEqual(cells, pieces);
            Map<Point, List<Rect>> reach = new LinkedHashMap<>(); // each block and a cell either side
            for (long c = 0; c < pieces; c++) {
                Rect b = blocks.subregion(c).bounds();
                reach.put(new Point1(c), List.of(Rect1.of(Math.max(0, b.lo(0) - 1), Math.min(n - 1, b.hi(0) + 1))));
            }
            Partition around = ctx.partitionByRects(before, blocks.colorSpace(), reach, PartitionKind.ALIASED);
            TaskId<Void> step = rt.registerTask("step", task -> {
                DoubleAccessor old = task.region(0).doubleField(u);
                DoubleAccessor out = task.region(1).doubleField(u);
                Rect b = out.bounds();
                for (long i = b.lo(0); i <= b.hi(0); i++) {
                    double left = old.get(Math.max(0, i - 1)), right = old.get(Math.min(n - 1, i + 1));
                    out.set(i, (left + old.get(i) + right) / 3);
                }
            });
            for (int s = 0; s < steps; s++) {
                ctx.copy(Copy.of(cells, before, u));             // every block reads its neighbours from here
                ctx.execute(IndexLauncher.of(step, blocks.colorSpace())
                        .add(RegionRequirement.of(around, Privilege.READ_ONLY, u))
                        .add(RegionRequirement.of(blocks, Privilege.READ_WRITE, u))).close();
            }
            try (PhysicalRegion result = ctx.map(cells, Privilege.READ_ONLY, u)) {
                return result.doubleField(u).toArray();
            }
        }
    }
    // README example 4 ends

    @Test
    void helloWorldRuns() {
        assertThat(helloWorld()).isEqualTo("Hello, world!");
    }

    @Test
    void daxpyRuns() {
        assertThat(daxpy(1000, 4, 3.0)).hasSize(1000).containsOnly(5.0);
    }

    @Test
    void sumRuns() {
        assertThat(sum(1000, 8)).isEqualTo(999 * 1000 / 2.0);
    }

    @Test
    void smoothRunsAsTheSequentialLoop() {
        int n = 200;
        double[] want = new double[n];
        want[n / 2] = 300.0;
        for (int s = 0; s < 25; s++) {
            double[] old = want.clone();
            for (int i = 0; i < n; i++) {
                want[i] = (old[Math.max(0, i - 1)] + old[i] + old[Math.min(n - 1, i + 1)]) / 3;
            }
        }
        assertThat(smooth(n, 4, 25)).containsExactly(want);
    }

    /** Every example block of the README is, line for line, one of the marked blocks above. */
    @Test
    void readmeShowsThisCode() throws IOException {
        Path root = LinuxBackend.projectRoot();
        String test = Files.readString(root.resolve("legion-api/src/test/java/org/legionhrt/legion/ReadmeExamplesTest.java"));
        String readme = Files.readString(root.resolve("legion-api/README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)// README example (\\d) begins\\n(.*?)    // README example \\1 ends").matcher(test);
        while (m.find()) {
            blocks.add(strip(m.group(2)));
        }
        List<String> shown = new ArrayList<>();
        Matcher r = Pattern.compile("(?s)```java\\n(.*?)```").matcher(readme);
        while (r.find()) {
            if (r.group(1).startsWith("static ")) {
                shown.add(strip(r.group(1)));
            }
        }
        assertThat(blocks).hasSize(4);
        assertThat(shown).containsExactlyElementsOf(blocks);
    }

    private static String strip(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
