/*
 * The runtime's C test suite inside the HRT: lhrt-hrt.elf (legion-hrt-port/hrt: the
 * deprivileged aerokernel + the runtime over its Nautilus port + the C tests as the kernel
 * test lhrt_quick) boots in the HVM and every runtime test passes: the whole quick tier on
 * one vCPU, and with --small sizes on two (each cross-vCPU wakeup of a dozing CPU costs a
 * host thread wakeup, which a loaded 2-core host makes slow).
 * Skipped with the reason when /dev/kvm is unusable or the image is not built.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LhrtInHrtTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LhrtInHrtTest.class);
    /** The image's path inside the repository (make -C legion-hrt-port/hrt all). */
    static final String RELATIVE = "legion-hrt-port/target/native/lhrt-hrt.elf";
    static Path image;

    @BeforeAll
    static void find() {
        TestGuests.assumeKvm();
        image = locate().orElse(null);
        Assumptions.assumeTrue(image != null, RELATIVE + " not built (make -C legion-hrt-port/hrt all)");
    }

    static Optional<Path> locate() {
        String root = System.getProperty("legionhrt.root");
        Path[] candidates = {
            root == null ? null : Path.of(root).resolve(RELATIVE),
            Path.of(RELATIVE),
            Path.of("..").resolve(RELATIVE),
        };
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void runtimeCTestsPassInsideTheHrt(int cores) {
        List<String> lines = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        int code;
        String cmdline = "tests=lhrt_quick" + (cores > 1 ? " lhrt_args=--small" : "");
        try (Hvm h = Hvm.builder().cores(cores).memory(256L << 20).cmdline(cmdline)
                .awaitReady(false).console(lines::add).boot(image)) {
            code = h.awaitExit(Duration.ofSeconds(300));
        }
        LOG.info("runtime C tests in the HRT on {} vCPU(s): {} ms", cores, (System.nanoTime() - t0) / 1_000_000);
        List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ") || l.contains(" FAIL ")).toList();
        String summary = lines.stream().filter(l -> l.matches("\\d+ passed, \\d+ failed")).reduce((a, b) -> b)
                .orElse("no summary line from the runtime's tests");
        assertThat(failures).as("failed runtime tests").isEmpty();
        assertThat(summary).matches("[1-9]\\d* passed, 0 failed");
        assertThat(lines).anyMatch(l -> l.startsWith("TEST lhrt_quick PASS"));
        assertThat(code).as("kernel exit code").isZero();
    }
}
