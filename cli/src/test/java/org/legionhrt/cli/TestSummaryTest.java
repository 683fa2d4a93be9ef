package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestSummaryTest {

    @Test
    void addsNativeLinesAndSurefireReports() {
        TestSummary s = new TestSummary();
        s.acceptNativeLine("legion-hrt-port", "tests: 40 passed, 0 failed");
        s.acceptNativeLine("legion-hrt-port", "12 passed, 1 failed, 2 skipped");
        s.acceptNativeLine("legion-hrt-port", "this line says 3 passed, 0 failed in prose"); // not a result line
        s.acceptSurefireReport(Path.of("hvm/target/surefire-reports/TEST-x.xml"),
                "<?xml version=\"1.0\"?>\n<testsuite name=\"x\" time=\"1\" tests=\"7\" errors=\"1\" skipped=\"2\" failures=\"1\">");
        TestSummary.Counts t = s.total();
        assertThat(t).isEqualTo(new TestSummary.Counts(52 + 3, 1 + 2, 2 + 2));
        assertThat(s.failed()).isEqualTo(3);
    }

    @Test
    void tracksTheModuleMavenIsBuilding() {
        String m = TestSummary.moduleOf("[INFO] ---------------------< org.legionhrt:nautilus >---------------------", "?");
        assertThat(m).isEqualTo("nautilus");
        assertThat(TestSummary.moduleOf("[INFO] Building nautilus", m)).isEqualTo("nautilus");
    }
}
