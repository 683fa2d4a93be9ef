package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Native variants (src/test/c/kernels.c) next to Java twins: same results; mapper and launcher
 * choices. The same libkernels.so serves both backends: on hrt it is loaded into the HRT as a module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeVariantTest {
    Runtime rt;
    Path lib;

    String backend() {
        return "linux";
    }

    @BeforeAll
    void start() {
        lib = NativeKernels.library();
        rt = Runtime.start(Backends.config(backend(), 2));
    }

    @AfterAll
    void stop() {
        if (rt != null) {
            rt.close();
        }
    }

    static byte[] daxpyArgs(double alpha, Field x, Field y) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putDouble(alpha).putInt(x.id()).putInt(y.id()).array();
    }

    /** Runs DAXPY over 4 pieces with the given variant preference; returns y. */
    double[] daxpy(Variant v, AtomicInteger javaRuns) {
        FieldSpace fs = rt.fieldSpace();
        Field x = fs.allocate(FieldType.DOUBLE);
        Field y = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 1022)), fs);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.WRITE_DISCARD, x, y)) {
            DoubleAccessor ax = pr.doubleField(x);
            DoubleAccessor ay = pr.doubleField(y);
            for (long i = 0; i <= 1022; i++) {
                ax.set(i, Math.sin(i) * 1e3);
                ay.set(i, 1.0 / (i + 1));
            }
        }
        TaskId<Void> t = rt.registerTask("daxpy-" + v + "-" + fs.hashCode(), ctx -> {
            javaRuns.incrementAndGet();
            ByteBuffer a = ctx.args().asByteBuffer().order(ByteOrder.nativeOrder());
            double alpha = a.getDouble(0);
            DoubleAccessor ax = ctx.region(0).doubleField(fs.field(a.getInt(8)));
            DoubleAccessor ay = ctx.region(1).doubleField(fs.field(a.getInt(12)));
            Rect b = ay.bounds();
            for (long i = b.lo(0); i <= b.hi(0); i++) {
                ay.set(i, ay.get(i) + alpha * ax.get(i));
            }
        });
        rt.registerNativeVariant(t, lib, "test_daxpy");
        Partition p = rt.context().partitionEqual(r, 4);
        rt.context().executeAndWait(IndexLauncher.of(t, p.colorSpace()).args(daxpyArgs(0.37, x, y)).prefer(v)
                .add(RegionRequirement.of(p, Privilege.READ_ONLY, x))
                .add(RegionRequirement.of(p, Privilege.READ_WRITE, y)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, y)) {
            return pr.doubleField(y).toArray();
        }
    }

    @Test
    void javaAndNativeDaxpyAgreeExactly() {
        AtomicInteger javaRuns = new AtomicInteger();
        double[] viaJava = daxpy(Variant.JAVA, javaRuns);
        assertThat(javaRuns).hasValue(4);
        double[] viaNative = daxpy(Variant.NATIVE, javaRuns);
        assertThat(javaRuns).hasValue(4);
        assertThat(viaNative).containsExactly(viaJava);
        assertThat(viaJava[10]).isEqualTo(1.0 / 11 + 0.37 * (Math.sin(10) * 1e3));
    }

    @Test
    void nativeResultsAndPoints() {
        TaskId<Long> triple = rt.registerNativeTask("triple", ValueType.LONG, lib, "test_triple_point");
        try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(triple, rt.indexSpace(Rect1.of(5, 9))))) {
            assertThat(fm.values()).containsExactly(15L, 18L, 21L, 24L, 27L);
        }
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(100), fs);
        rt.context().fill(r, f, 0.5);
        TaskId<Double> sum = rt.registerNativeTask("nsum", ValueType.DOUBLE, lib, "test_sum");
        byte[] args = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(f.id()).array();
        try (Future<Double> s = rt.context().execute(TaskLauncher.of(sum).args(args).add(RegionRequirement.readOnly(r, f)))) {
            assertThat(s.get()).isEqualTo(50.0);
        }
    }

    @Test
    void nativeFailuresAndMissingSymbols() {
        TaskId<Void> fail = rt.registerNativeTask("nfail", ValueType.VOID, lib, "test_fail");
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(fail)).get())
                .isInstanceOf(TaskFailedException.class).hasMessageContaining("failed on purpose");
        assertThatThrownBy(() -> rt.registerNativeTask("nope", ValueType.VOID, lib, "no_such_symbol"))
                .isInstanceOf(LegionException.class).hasMessageContaining("no_such_symbol");
    }

    @Test
    void aJavaMapperChoosesTheVariant() {
        AtomicInteger javaRuns = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        try (Runtime r2 = Runtime.start(Backends.config(backend(), 2))) {
            TaskId<Long> t = r2.registerTask("both", ValueType.LONG, ctx -> {
                javaRuns.incrementAndGet();
                return ctx.index() * 3;
            });
            r2.registerNativeVariant(t, lib, "test_triple_point");
            r2.setMapper(new Mapper() {
                @Override
                public Variant selectVariant(TaskInfo info, Set<Variant> available) {
                    asked.incrementAndGet();
                    if (available.size() == 1) {
                        return available.iterator().next();    // narrowed by prefer()
                    }
                    return info.points() >= 10 ? Variant.JAVA : Variant.NATIVE;
                }

                @Override
                public Slicing slice(TaskInfo info, Slicing proposed) {
                    return new Slicing(2, proposed.spread(), proposed.firstWorker());
                }
            });
            try (FutureMap<Long> fm = r2.context().execute(IndexLauncher.of(t, r2.indexSpace(10)))) {
                assertThat(fm.values()).containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L);
            }
            assertThat(javaRuns).hasValue(10);
            try (FutureMap<Long> fm = r2.context().execute(IndexLauncher.of(t, r2.indexSpace(4)))) {
                assertThat(fm.values()).containsExactly(0L, 3L, 6L, 9L);
            }
            assertThat(javaRuns).hasValue(10);
            try (FutureMap<Long> fm = r2.context().execute(IndexLauncher.of(t, r2.indexSpace(4)).prefer(Variant.JAVA))) {
                assertThat(fm.values()).containsExactly(0L, 3L, 6L, 9L);
            }
            assertThat(javaRuns).hasValue(14);
        }
        assertThat(asked.get()).isEqualTo(3);
    }
}
