package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeVariantTest} on backend hrt, where libkernels.so is loaded into the HRT as a
 * module, plus the libraries the HRT's loader must refuse, each with an error naming why.
 */
class NativeVariantHrtTest extends NativeVariantTest {
    @Override
    String backend() {
        return "hrt";
    }

    @Test
    void aFileThatIsNoSharedLibraryIsRefusedByName() throws Exception {
        Path text = Files.createTempFile("not-elf", ".so");
        Path truncated = Files.createTempFile("truncated", ".so");
        Path object = NativeKernels.compile("exec_kernel", "int main(void) { return 0; }", "-fPIE", "-pie");
        try {
            Files.writeString(text, "not an ELF file at all");
            assertThatThrownBy(() -> rt.registerNativeTask("t1", ValueType.VOID, text, "test_empty"))
                    .isInstanceOf(LegionException.class).hasMessageContaining(text.toString()).hasMessageContaining("not an ELF file");
            assertThatThrownBy(() -> rt.registerNativeTask("t2", ValueType.VOID, object, "main"))
                    .isInstanceOf(LegionException.class).hasMessageContaining("needs __libc_start_main");
            byte[] whole = Files.readAllBytes(lib);
            Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
            assertThatThrownBy(() -> rt.registerNativeTask("t5", ValueType.VOID, truncated, "test_empty"))
                    .isInstanceOf(LegionException.class).hasMessageContaining("outside the file");
            Path missing = truncated.resolveSibling("no-such-lib.so");
            assertThatThrownBy(() -> rt.registerNativeTask("t6", ValueType.VOID, missing, "test_empty"))
                    .isInstanceOf(LegionException.class).hasMessageContaining("cannot open " + missing)
                    .hasMessageContaining("no such file");
        } finally {
            Files.deleteIfExists(text);
            Files.deleteIfExists(truncated);
        }
    }

    @Test
    void whatTheHrtCannotProvideIsNamed() {
        Path needsFiles = NativeKernels.compile("needs_fopen", """
                #include <stdio.h>
                void opens(void *c, const void *a, unsigned long n, void *u) { fclose(fopen("/x", "r")); }
                """);
        assertThatThrownBy(() -> rt.registerNativeTask("t3", ValueType.VOID, needsFiles, "opens"))
                .isInstanceOf(LegionException.class).hasMessageMatching("(?s).*needs f(open|close), .*")
                .hasMessageContaining("which the HRT image does not provide");
        Path tls = NativeKernels.compile("uses_tls", """
                __thread long counter;
                void counts(void *c, const void *a, unsigned long n, void *u) { counter++; }
                """);
        assertThatThrownBy(() -> rt.registerNativeTask("t4", ValueType.VOID, tls, "counts"))
                .isInstanceOf(LegionException.class).hasMessageContaining("thread-local");
    }

    @Test
    void aModuleIsLoadedOnceAndItsDataIsRelocated() {
        Path lib = NativeKernels.compile("tables", """
                #include <stdint.h>
                #include "lhrt.h"
                static const char *names[] = {"zero", "one", "two", "three"};   /* R_X86_64_RELATIVE */
                static int64_t (*fn)(int64_t);                                      /* set by a constructor */
                static int64_t twice(int64_t v) { return 2 * v; }
                __attribute__((constructor)) static void init(void) { fn = twice; }
                void name_length(lhrt_ctx_t ctx, const void *a, uint64_t n, void *u) {
                  lhrt_point_t p;
                  lhrt_task_get_point(ctx, &p);
                  int64_t len = 0;
                  for (const char *s = names[p.x[0] % 4]; *s; s++) len++;
                  int64_t r = fn(len);
                  lhrt_task_return(ctx, &r, sizeof r);
                }
                """);
        TaskId<Long> t = rt.registerNativeTask("name_length", ValueType.LONG, lib, "name_length");
        TaskId<Long> again = rt.registerNativeTask("name_length2", ValueType.LONG, lib, "name_length");
        for (TaskId<Long> id : java.util.List.of(t, again)) {
            try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(id, rt.indexSpace(4)))) {
                assertThat(fm.values()).containsExactly(8L, 6L, 6L, 10L);
            }
        }
    }

    /** The C functions of the math kernel below, in its switch order, with Java's answers. */
    private static final java.util.List<java.util.function.DoubleBinaryOperator> JAVA_MATH = java.util.List.of(
            (x, y) -> Math.exp(x), (x, y) -> Math.log(x), Math::pow, (x, y) -> Math.sin(x), (x, y) -> Math.cos(x),
            (x, y) -> Math.tan(x), Math::atan2, (x, y) -> Math.sqrt(x), (x, y) -> Math.log10(x),
            (x, y) -> Math.log1p(x), (x, y) -> Math.expm1(x), (x, y) -> Math.sinh(x), (x, y) -> Math.cosh(x),
            (x, y) -> Math.tanh(x), (x, y) -> Math.asin(x), (x, y) -> Math.acos(x), (x, y) -> Math.atan(x),
            (x, y) -> Math.cbrt(x), Math::hypot, (x, y) -> x % y, (x, y) -> Math.floor(x), (x, y) -> Math.ceil(x),
            (x, y) -> x < 0 ? -Math.round(-x) : Math.round(x), (x, y) -> x < 0 ? Math.ceil(x) : Math.floor(x),
            (x, y) -> Math.pow(2, x), (x, y) -> Math.log(x) / Math.log(2));

    @Test
    void aKernelBuiltWithDistributionFlagsGetsLibmStdioAndItsChecks() {
        Path lib = NativeKernels.compile("mathfn", """
                #include <math.h>
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                #include "lhrt.h"
                struct q { int32_t fn, pad; double x, y; };
                void mathfn(lhrt_ctx_t ctx, const void *args, uint64_t n, void *u) {
                  struct q q;
                  memcpy(&q, args, sizeof q);
                  double x = q.x, y = q.y, r = 0;
                  switch (q.fn) {
                  case 0: r = exp(x); break;   case 1: r = log(x); break;     case 2: r = pow(x, y); break;
                  case 3: r = sin(x); break;   case 4: r = cos(x); break;     case 5: r = tan(x); break;
                  case 6: r = atan2(x, y); break; case 7: r = sqrt(x); break; case 8: r = log10(x); break;
                  case 9: r = log1p(x); break; case 10: r = expm1(x); break;  case 11: r = sinh(x); break;
                  case 12: r = cosh(x); break; case 13: r = tanh(x); break;   case 14: r = asin(x); break;
                  case 15: r = acos(x); break; case 16: r = atan(x); break;   case 17: r = cbrt(x); break;
                  case 18: r = hypot(x, y); break; case 19: r = fmod(x, y); break; case 20: r = floor(x); break;
                  case 21: r = ceil(x); break; case 22: r = round(x); break;  case 23: r = trunc(x); break;
                  case 24: r = exp2(x); break; case 25: r = log2(x); break;
                  default: {   /* stdio through the fortified forms, a stack buffer under the protector */
                    char buf[48];
                    snprintf(buf, sizeof buf, "x=%.3f", x);
                    fprintf(stdout, "mathfn says %s\\n", buf);
                    r = (double)strlen(buf);
                  }
                  }
                  lhrt_task_return(ctx, &r, sizeof r);
                }
                """, "-O2", "-D_FORTIFY_SOURCE=2", "-fstack-protector-strong", "-shared", "-fPIC");
        TaskId<Double> t = rt.registerNativeTask("mathfn", ValueType.DOUBLE, lib, "mathfn");
        double[] xs = {-3.7, -1, -0.5, -1e-9, 0, 1e-300, 0.25, 0.5, 1, 2.5, 10, 123.456, 700, 1e10};
        double[] ys = {-2, -0.5, 0, 1, 3, 0.5, 2.5};
        for (int fn = 0; fn < JAVA_MATH.size(); fn++) {
            for (double x : xs) {
                for (double y : fn == 2 || fn == 6 || fn == 18 || fn == 19 ? ys : new double[] {1}) {
                    double want = JAVA_MATH.get(fn).applyAsDouble(x, y);
                    double got = callMath(t, fn, x, y);
                    String what = "fn " + fn + " (" + x + ", " + y + ")";
                    if (Double.isNaN(want)) {
                        assertThat(got).as(what).isNaN();
                    } else if (Double.isInfinite(want) || want == 0) {
                        assertThat(got).as(what).isEqualTo(want);
                    } else {
                        assertThat(Math.abs(got - want)).as(what + " = " + got + ", Java " + want).isLessThanOrEqualTo(4 * Math.ulp(want));
                    }
                }
            }
        }
        assertThat(callMath(t, 99, 2.5, 0)).isEqualTo("x=2.500".length());
    }

    private double callMath(TaskId<Double> t, int fn, double x, double y) {
        byte[] a = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.nativeOrder()).putInt(fn).putInt(0)
                .putDouble(x).putDouble(y).array();
        try (Future<Double> f = rt.context().execute(TaskLauncher.of(t).args(a))) {
            return f.get();
        }
    }
}
