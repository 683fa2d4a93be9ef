package org.legionhrt.nautilus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Boots the ring0 image under QEMU TCG and checks the kernel's own verdicts and bad-input stops. */
class KernelBootTest {

    private static Path image;

    @BeforeAll
    static void findImage() {
        assumeTrue(QemuRunner.available(), "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
        Path root = Path.of(System.getProperty("legionhrt.root", ".."));
        image = NautilusImages.of(root).ring0();
    }

    private static QemuRun boot(QemuOptions o) {
        return QemuRunner.run(o.withTimeout(Duration.ofMinutes(3)), line -> {});
    }

    /** Cross-CPU hand-offs cost a host wake-up each under TCG: scale them with overcommit. */
    private static int scaleFor(int cores) {
        int host = Runtime.getRuntime().availableProcessors();
        return Math.max(20, Math.min(100, 100 * host / cores));
    }

    @ParameterizedTest(name = "{0} CPU(s)")
    @ValueSource(ints = {1, 4})
    void everyKernelTestPasses(int cores) {
        QemuRun run = boot(QemuOptions.of(image).withCores(cores).withCmdline("scale=" + scaleFor(cores)));
        TestReport report = TestReport.parse(run.console());
        assertThat(report.failures()).as("failed kernel tests").isEmpty();
        assertThat(run.exit()).as("kernel exit; console tail:\n%s", run.tail(30)).isEqualTo(KernelExit.PASSED);
        assertThat(report.allPassed()).isTrue();
        assertThat(report.results()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(run.console()).anyMatch(l -> l.contains(cores + " CPUs online"));
    }

    @Test
    void testsAreSelectedByName() {
        QemuRun run = boot(QemuOptions.of(image).withCmdline("tests=buddy_basic,thread_bound"));
        TestReport report = TestReport.parse(run.console());
        assertThat(report.results()).extracting(TestReport.TestResult::name)
                .containsExactlyInAnyOrder("buddy_basic", "thread_bound");
        assertThat(run.exit()).isEqualTo(KernelExit.PASSED);
    }

    @Test
    void unknownTestNameStopsWithAMessage() {
        QemuRun run = boot(QemuOptions.of(image).withCmdline("tests=buddy_basic,no_such_test"));
        assertThat(run.exit()).isEqualTo(KernelExit.BAD_INPUT);
        assertThat(run.console()).anyMatch(l -> l.contains("unknown test 'no_such_test'"));
        assertThat(TestReport.parse(run.console()).results()).isEmpty();
    }

    @Test
    void tooLittleMemoryStopsWithAMessage() {
        QemuRun run = boot(QemuOptions.of(image).withMemory("16M"));
        assertThat(run.exit()).isEqualTo(KernelExit.BAD_INPUT);
        assertThat(run.console()).anyMatch(l -> l.contains("too little memory"));
    }

    @Test
    void tooManyCpusStopsWithAMessage() {
        QemuRun run = boot(QemuOptions.of(image).withCores(QemuOptions.MAX_CORES + 1));
        assertThat(run.exit()).isEqualTo(KernelExit.BAD_INPUT);
        assertThat(run.console()).anyMatch(l -> l.contains("at most 64 supported"));
    }

    @Test
    void anExceptionPanicsWithARegisterDumpAndStopsEveryCpu() {
        QemuRun run = boot(QemuOptions.of(image).withCores(2).withCmdline("tests=crash_page_fault"));
        assertThat(run.exit()).as(run.tail(20)).isEqualTo(KernelExit.PANIC);
        assertThat(run.console()).anyMatch(l -> l.startsWith("PANIC: exception 14 (#PF page fault)"))
                .anyMatch(l -> l.contains("cr2 00007ff000000000"))
                .anyMatch(l -> l.startsWith("backtrace"));
    }

    @Test
    void aNullDereferencePanicsWithTheFieldOffsetAsAddress() {
        QemuRun run = boot(QemuOptions.of(image).withCmdline("tests=crash_null_read"));
        assertThat(run.exit()).as(run.tail(20)).isEqualTo(KernelExit.PANIC);
        assertThat(run.console()).anyMatch(l -> l.startsWith("PANIC: exception 14 (#PF page fault)"))
                .anyMatch(l -> l.contains("cr2 0000000000000010"))
                .anyMatch(l -> l.contains("a NULL pointer"));
    }

    @Test
    void aHungKernelIsKilledAfterTheTimeoutWithItsLastLines() {
        QemuRun run = QemuRunner.run(QemuOptions.of(image).withCmdline("tests=hang_forever")
                .withTimeout(Duration.ofSeconds(3)), line -> {});
        assertThat(run.exit()).isEqualTo(KernelExit.TIMEOUT);
        assertThat(run.tail(3)).contains("hanging on purpose");
    }

    @Test
    void benchmarksPrintJsonLines() {
        QemuRun run = boot(QemuOptions.of(image).withCores(2).withCmdline("bench samples=50 env=qemu-tcg"));
        assertThat(run.exit()).as(run.tail(20)).isEqualTo(KernelExit.PASSED);
        var lines = BenchLine.parseAll(run.console());
        assertThat(lines).extracting(BenchLine::bench).contains("thread_create", "context_switch",
                "spinlock_uncontended", "buddy_alloc_free", "compute_alu", "compute_stencil");
        assertThat(lines).allSatisfy(b -> {
            assertThat(b.impl()).isEqualTo("nautilus");
            assertThat(b.unit()).isEqualTo("cycles");
            assertThat(b.median()).isPositive();
        });
    }
}
