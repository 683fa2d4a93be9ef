package org.legionhrt.nautilus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Console parsing and option checks, without QEMU. */
class ParsingTest {

    @Test
    void parsesTestLinesAndSummary() {
        TestReport r = TestReport.parse(List.of("boot", "TEST a PASS 3ms", "TEST b FAIL 1ms x.c:3: bad", "tests: 1 passed, 1 failed"));
        assertThat(r.results()).hasSize(2);
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("x.c:3: bad"));
        assertThat(r.allPassed()).isFalse();
        assertThat(TestReport.parse(List.of("TEST a PASS 3ms")).allPassed()).as("no summary = not passed").isFalse();
    }

    @Test
    void parsesBenchLines() {
        var b = BenchLine.parse("{\"bench\":\"x\",\"impl\":\"nautilus\",\"unit\":\"cycles\",\"median\":120}").orElseThrow();
        assertThat(b.bench()).isEqualTo("x");
        assertThat(b.median()).isEqualTo(120.0);
        assertThat(BenchLine.parse("TEST a PASS 1ms")).isEmpty();
    }

    @Test
    void decodesExitStatus() {
        assertThat(KernelExit.fromQemuStatus(1)).isEqualTo(KernelExit.PASSED);
        assertThat(KernelExit.fromQemuStatus(3)).isEqualTo(KernelExit.FAILED);
        assertThat(KernelExit.fromQemuStatus(7)).isEqualTo(KernelExit.BAD_INPUT);
        assertThat(KernelExit.fromQemuStatus(0)).isEqualTo(KernelExit.QEMU_ERROR);
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> QemuOptions.of(Path.of("x")).withCores(0)).isInstanceOf(NautilusException.class);
        assertThatThrownBy(() -> QemuOptions.of(Path.of("x")).withMemory("lots")).isInstanceOf(NautilusException.class);
        assertThatThrownBy(() -> Accel.parse("xen")).hasMessageContaining("tcg or kvm");
        assertThat(QemuOptions.of(Path.of("k.elf")).withCmdline("tests=a").command()).contains("-append", "tests=a", "isa-debug-exit,iobase=0xf4,iosize=0x04");
    }
}
