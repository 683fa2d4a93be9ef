package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random task graphs over random partitions with random privileges give the same data and the
 * same futures as running the same operations one after the other on plain arrays. The
 * dependence graph is whatever the runtime derives from the regions, fields and privileges.
 */
class RandomProgramPropertyTest {
    private static final int RO = 0;
    private static final int RW = 1;
    private static final int WD = 2;
    private static final int RED = 3;

    private static Runtime rt;
    private static TaskId<Long> body;

    private static synchronized Runtime runtime(int workers) {
        if (rt != null && rt.workerCount() != workers) {
            rt.close();
            rt = null;
        }
        if (rt == null) {
            rt = Runtime.start(RuntimeConfig.defaults().withWorkers(workers));
            body = rt.registerTask("op", ValueType.LONG, RandomProgramPropertyTest::run);
        }
        return rt;
    }

    @AfterContainer
    static void stop() {
        if (rt != null) {
            rt.close();
            rt = null;
        }
    }

    /** The task: args = (kind, field id, constant); the region is requirement 0. */
    private static Long run(TaskContext ctx) {
        ByteBuffer a = ctx.args().asByteBuffer().order(ByteOrder.nativeOrder());
        int kind = a.getInt(0);
        Field f = ctx.region(0).logicalRegion().fieldSpace().field(a.getInt(4));
        long c = a.getLong(8);
        LongAccessor acc = ctx.region(0).longField(f);
        long sum = 0;
        for (Point p : ctx.region(0).logicalRegion().indexSpace().points()) {
            long x = p.coord(0);
            switch (kind) {
                case RO -> sum += (x + 1) * acc.get(x);
                case RW -> acc.set(x, acc.get(x) * 3 + c + x);
                case WD -> acc.set(x, c - x);
                default -> acc.reduce(x, c + x);
            }
        }
        return sum;
    }

    private static long apply(int kind, long[] data, List<Long> points, long c) {
        long sum = 0;
        for (long x : points) {
            int i = (int) x;
            switch (kind) {
                case RO -> sum += (x + 1) * data[i];
                case RW -> data[i] = data[i] * 3 + c + x;
                case WD -> data[i] = c - x;
                default -> data[i] += c + x;
            }
        }
        return sum;
    }

    private static byte[] args(int kind, Field f, long c) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(kind).putInt(f.id()).putLong(c).array();
    }

    private static Partition randomPartition(Random rnd, Context ctx, LogicalRegion r, int n) {
        int pieces = 1 + rnd.nextInt(Math.min(5, n));
        if (rnd.nextBoolean()) {
            return ctx.partitionEqual(r, pieces);
        }
        Map<Point, List<Rect>> col = new TreeMap<>((p, q) -> Long.compare(p.coord(0), q.coord(0)));
        boolean aliased = rnd.nextBoolean();
        for (int c = 0; c < pieces; c++) {
            List<Rect> rs = new ArrayList<>();
            if (aliased) {
                for (int k = rnd.nextInt(3); k >= 0; k--) {
                    long lo = rnd.nextInt(n);
                    rs.add(Rect1.of(lo, Math.min(n - 1, lo + rnd.nextInt(6))));
                }
            } else {
                rs.add(Rect1.of((long) c * n / pieces, (long) (c + 1) * n / pieces - 1));
            }
            col.put(new Point1(c), rs);
        }
        return ctx.partitionByRects(r, rt.indexSpace(pieces), col, PartitionKind.COMPUTE);
    }

    @Property(tries = 40)
    void randomProgramsMatchSequentialExecution(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int workers) {
        Runtime rt = runtime(workers);
        Context ctx = rt.context();
        Random rnd = new Random(seed);
        int n = 8 + rnd.nextInt(40);
        FieldSpace fs = rt.fieldSpace();
        Field[] fields = {fs.allocate(FieldType.LONG), fs.allocate(FieldType.LONG)};
        long[][] model = new long[2][n];
        try (LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs)) {
            for (int k = 0; k < 2; k++) {
                ctx.fill(r, fields[k], (long) k + 1);
                java.util.Arrays.fill(model[k], k + 1);
            }
            List<Partition> parts = List.of(randomPartition(rnd, ctx, r, n), randomPartition(rnd, ctx, r, n));
            List<Future<Long>> got = new ArrayList<>();
            List<Long> want = new ArrayList<>();
            for (int op = 0, ops = 5 + rnd.nextInt(15); op < ops; op++) {
                if (rnd.nextInt(5) == 0) {
                    randomCopy(rnd, ctx, r, parts, fields, model);
                    continue;
                }
                int kind = rnd.nextInt(4);
                int fk = rnd.nextInt(2);
                long c = rnd.nextInt(100) - 50;
                Partition p = parts.get(rnd.nextInt(2));
                Privilege priv = switch (kind) {
                    case RO -> Privilege.READ_ONLY;
                    case RW -> Privilege.READ_WRITE;
                    case WD -> Privilege.WRITE_DISCARD;
                    default -> Privilege.REDUCE(ReductionOp.SUM_LONG);
                };
                // Sums commute, so a reduction may take any coherence and the result stays the
                // sequential one: it must still wait for (and hold off) the other privileges.
                Coherence coh = kind == RED ? Coherence.values()[rnd.nextInt(4)] : Coherence.EXCLUSIVE;
                if (rnd.nextBoolean() && (p.isDisjoint() || kind == RO || kind == RED)) {
                    IndexLauncher<Long> l = IndexLauncher.of(body, p.colorSpace()).args(args(kind, fields[fk], c))
                            .add(RegionRequirement.of(p, priv, fields[fk]).withCoherence(coh));
                    long expect = 0;
                    for (Point color : p.colorSpace().points()) {
                        expect += apply(kind, model[fk], coords(p.subregion(color)), c);
                    }
                    got.add(ctx.executeReduce(l, ReductionOp.SUM_LONG));
                    want.add(expect);
                } else {
                    LogicalRegion sub = rnd.nextInt(4) == 0 ? r : p.subregion(rnd.nextInt((int) p.colorSpace().volume()));
                    got.add(ctx.execute(TaskLauncher.of(body).args(args(kind, fields[fk], c))
                            .add(RegionRequirement.of(sub, priv, fields[fk]).withCoherence(coh))));
                    want.add(apply(kind, model[fk], coords(sub), c));
                }
            }
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).get()).as("future of operation %d", i).isEqualTo(want.get(i));
                got.get(i).close();
            }
            try (PhysicalRegion pr = ctx.map(r, Privilege.READ_ONLY, fields)) {
                for (int k = 0; k < 2; k++) {
                    assertThat(pr.longField(fields[k]).toArray()).as("field %d", k).containsExactly(model[k]);
                }
            }
        }
    }

    /**
     * A copy from one field to the other: region to region (random subregions or the root, only
     * the points both hold) or partition to itself (every subregion; an aliased one only
     * reducing), overwriting or summing; the model does the same in order.
     */
    private static void randomCopy(Random rnd, Context ctx, LogicalRegion r, List<Partition> parts, Field[] fields,
                                   long[][] model) {
        int from = rnd.nextInt(2), to = 1 - from;
        Partition p = parts.get(rnd.nextInt(2));
        boolean reduce = rnd.nextBoolean() || !p.isDisjoint();
        List<List<Long>> pairs = new ArrayList<>();   // per copy point: the points it copies
        Copy copy;
        if (rnd.nextBoolean()) {
            LogicalRegion a = rnd.nextInt(4) == 0 ? r : p.subregion(rnd.nextInt((int) p.colorSpace().volume()));
            Partition q = parts.get(rnd.nextInt(2));
            LogicalRegion b = rnd.nextInt(4) == 0 ? r : q.subregion(rnd.nextInt((int) q.colorSpace().volume()));
            java.util.Set<Long> inB = new java.util.HashSet<>(coords(b));
            pairs.add(coords(a).stream().filter(inB::contains).toList());
            copy = Copy.of(a, List.of(fields[from]), b, List.of(fields[to]));
        } else {
            for (Point c : p.colorSpace().points()) {
                pairs.add(coords(p.subregion(c)));
            }
            copy = Copy.of(p, List.of(fields[from]), p, List.of(fields[to]));
        }
        ctx.copy(reduce ? copy.withReduction(ReductionOp.SUM_LONG) : copy);
        for (List<Long> pts : pairs) {
            for (long x : pts) {
                model[to][(int) x] = reduce ? model[to][(int) x] + model[from][(int) x] : model[from][(int) x];
            }
        }
    }

    private static List<Long> coords(LogicalRegion sub) {
        return sub.indexSpace().points().stream().map(p -> p.coord(0)).toList();
    }
}
