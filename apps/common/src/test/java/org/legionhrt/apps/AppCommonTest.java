package org.legionhrt.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AppCommonTest {

    @Test
    void jsonSummaryCarriesWhatTheHarnessReads() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("p", 4);
        params.put("pct", 95);
        AppResult r = new AppResult("circuit", Backend.LINUX, 2, params, 1.25, 3.5, true, "ok");
        assertThat(r.toJson()).isEqualTo("{\"app\":\"circuit\",\"backend\":\"linux\",\"cpus\":2,\"p\":4,\"pct\":95,"
                + "\"seconds\":1.25000,\"gflops\":3.50000,\"validated\":true,\"detail\":\"ok\"}");
    }

    @Test
    void toleranceFindsTheWorstValue() {
        Tolerance t = new Tolerance(1e-6, 1e-4);
        t.check("v", 0, 1.00001, 1.0);
        assertThat(t.passed()).isTrue();
        t.check("v", 7, 1.1, 1.0);
        t.check("v", 8, Double.NaN, 1.0);
        assertThat(t.passed()).isFalse();
        assertThat(t.report()).startsWith("2 of 3 values outside");
    }

    @Test
    void optionsParseLegionAliases() {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs("-ll:cpu", "3", "--backend", "java", "--json");
        assertThat(o.cpus()).isEqualTo(3);
        assertThat(o.backend()).isEqualTo(Backend.JAVA);
        assertThat(o.json()).isTrue();
        assertThat(o.check()).isTrue();
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--backend", "cuda"))
                .hasMessageContaining("use linux, java or hrt");
    }

    @Test
    void withoutBackendTheHrtWhereKvmIsUsableElseLinux() {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs();
        assertThat(o.backend()).isEqualTo(Backend.HRT.unavailable().isEmpty() ? Backend.HRT : Backend.LINUX);
        String old = System.getProperty("legionhrt.kvm");
        System.setProperty("legionhrt.kvm", "/nonexistent/kvm");
        try {
            assertThat(Backend.HRT.unavailable()).get().asString().contains("--backend linux");
            AppOptions p = new AppOptions();
            new CommandLine(p).parseArgs();
            assertThat(p.backend()).isEqualTo(Backend.LINUX);
        } finally {
            if (old == null) {
                System.clearProperty("legionhrt.kvm");
            } else {
                System.setProperty("legionhrt.kvm", old);
            }
        }
    }
}
