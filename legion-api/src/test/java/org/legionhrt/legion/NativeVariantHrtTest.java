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
        Path object = NativeKernels.compile("exec_kernel", "int main(void) { return 0; }", "-fPIE", "-pie");
        try {
            Files.writeString(text, "not an ELF file at all");
            assertThatThrownBy(() -> rt.registerNativeTask("t1", ValueType.VOID, text, "test_empty"))
                    .isInstanceOf(LegionException.class).hasMessageContaining(text.toString()).hasMessageContaining("not an ELF file");
            assertThatThrownBy(() -> rt.registerNativeTask("t2", ValueType.VOID, object, "main"))
                    .isInstanceOf(LegionException.class).hasMessageContaining("needs __libc_start_main");
        } finally {
            Files.deleteIfExists(text);
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
}
