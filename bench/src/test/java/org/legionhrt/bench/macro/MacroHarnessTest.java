package org.legionhrt.bench.macro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MacroHarnessTest {

    @TempDir
    Path dir;

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void runsEveryCombinationInterleavedAndRecordsFailures() throws Exception {
        // A fake CLI: linux takes 2 s, hrt 1 s, java fails validation, and --cpus 2 halves the time.
        Path cli = script("fake-hrt", """
                backend=""; cpus=1
                while [ $# -gt 0 ]; do
                  case "$1" in --backend) backend=$2; shift;; --cpus) cpus=$2; shift;; esac; shift
                done
                case "$backend$cpus" in
                  linux1) s=2.0;; hrt1) s=1.0;; linux2) s=1.0;; hrt2) s=0.5;;
                  java*) echo '{"app":"circuit","seconds":0.5,"gflops":9,"validated":false,"detail":"voltage off"}'; exit 0;;
                esac
                echo "progress on stderr" >&2
                echo "{\\"app\\":\\"circuit\\",\\"backend\\":\\"$backend\\",\\"seconds\\":$s,\\"gflops\\":4.0,\\"validated\\":true,\\"detail\\":\\"ok\\"}"
                """);
        Path legion = script("fake-legion", "echo 'SUCCESS!'; echo 'ELAPSED TIME = 3.0 s'; echo 'GFLOPS = 1.5'\n");
        var plan = new MacroHarness.Plan(List.of("circuit"), List.of("linux", "hrt", "java"), List.of(1, 2), 2,
                SizePreset.SMALL, List.of(cli.toString()), Map.of("circuit", legion), 60);
        assertThat(plan.runCount()).isEqualTo(16);
        List<String> order = new ArrayList<>();
        List<MacroRun> runs = MacroHarness.run(plan, r -> order.add(r.backend() + r.cpus() + "#" + r.repeat()));
        assertThat(runs).hasSize(16);
        assertThat(order.subList(0, 8)).containsExactly("linux1#0", "hrt1#0", "java1#0", "legion1#0",
                "linux2#0", "hrt2#0", "java2#0", "legion2#0");
        List<MacroSummary.Cell> cells = MacroSummary.of(runs);
        MacroSummary.Cell hrt1 = cells.stream().filter(c -> c.backend().equals("hrt") && c.cpus() == 1).findFirst().orElseThrow();
        assertThat(hrt1.seconds().orElseThrow().median()).isEqualTo(1.0);
        assertThat(hrt1.speedup()).isEqualTo(2.0);
        MacroSummary.Cell java2 = cells.stream().filter(c -> c.backend().equals("java") && c.cpus() == 2).findFirst().orElseThrow();
        assertThat(java2.runs()).isZero();
        assertThat(java2.failed()).isEqualTo(2);
        assertThat(runs.stream().filter(r -> r.backend().equals("java")).map(MacroRun::error))
                .allMatch(e -> e.contains("voltage off"));
        MacroSummary.Cell legion1 = cells.stream().filter(c -> c.backend().equals("legion") && c.cpus() == 1).findFirst().orElseThrow();
        assertThat(legion1.seconds().orElseThrow().median()).isEqualTo(3.0);
        assertThat(legion1.gflops()).isEqualTo(1.5);
    }

    @Test
    void aCrashedRunIsAFailureWithItsLastLine() throws Exception {
        Path cli = script("crash", "echo 'Exception: boom' ; exit 3\n");
        var plan = new MacroHarness.Plan(List.of("stencil"), List.of("linux"), List.of(1), 1, SizePreset.SMALL,
                List.of(cli.toString()), Map.of(), 60);
        MacroRun r = MacroHarness.run(plan, x -> { }).get(0);
        assertThat(r.counts()).isFalse();
        assertThat(r.error()).isEqualTo("exit 3: Exception: boom");
    }

    @Test
    void stencilTilesFollowTheCpus() {
        assertThat(SizePreset.SMALL.flags("stencil", 2)).containsSubsequence("-ntx", "2", "-nty", "1");
        assertThat(SizePreset.DEFAULT.flags("circuit", 2)).isEmpty();
        assertThat(SizePreset.parse("fine").flags("circuit", 2)).containsSubsequence("-l", "200");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SizePreset.parse("huge"))
                .hasMessage("unknown size 'huge': use small, default, large or fine");
    }
}
