package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's huge-page check reads the kernel's THP setting (the bracketed word is the mode). */
class DoctorCommandTest {
    @TempDir
    Path dir;

    private DoctorCommand.Check check(String content) throws IOException {
        Path f = dir.resolve("enabled");
        Files.writeString(f, content);
        return DoctorCommand.checkHugePages(f);
    }

    @Test
    void madviseAndAlwaysAreFine() throws IOException {
        assertThat(check("always [madvise] never\n").ok()).isTrue();
        assertThat(check("[always] madvise never\n").detail()).contains("always");
    }

    @Test
    void neverIsReportedWithTheFix() throws IOException {
        DoctorCommand.Check c = check("always madvise [never]\n");
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("never");
        assertThat(c.fix()).contains("echo madvise").contains("4 KiB pages");
    }

    @Test
    void anUnreadableSettingIsReportedNotThrown() {
        DoctorCommand.Check c = DoctorCommand.checkHugePages(dir.resolve("missing"));
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("cannot read");
    }
}
