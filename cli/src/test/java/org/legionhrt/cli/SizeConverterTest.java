package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Sizes on the command line (CONVENTIONS.md: "Sizes accept 256M, 1G"): what they take, and that
 * garbage, negatives and overflows are refused with the value as typed, before anything boots.
 */
class SizeConverterTest {

    @Test
    void acceptsTheDocumentedForms() {
        assertThat(SizeConverter.parse("256M")).isEqualTo(256L << 20);
        assertThat(SizeConverter.parse("1G")).isEqualTo(1L << 30);
        assertThat(SizeConverter.parse("256m")).isEqualTo(256L << 20);
        assertThat(SizeConverter.parse("256MB")).isEqualTo(256L << 20);
        assertThat(SizeConverter.parse("64K")).isEqualTo(64L << 10);
        assertThat(SizeConverter.parse("4096")).isEqualTo(4096);
        assertThat(SizeConverter.parse("0")).isZero();
    }

    @Test
    void refusesGarbageNegativesAndOverflows() {
        for (String s : new String[] {"1.5G", "", "G", "abc", "0x100M", "1T", "256MiB", "+1G"}) {
            assertThatThrownBy(() -> SizeConverter.parse(s)).as(s).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + s + "' is not a size: give whole bytes with an optional K, M or G (e.g. 256M, 1G)");
        }
        assertThatThrownBy(() -> SizeConverter.parse("-2M")).hasMessage("'-2M' is negative: a size is 0 or more (e.g. 256M, 1G)");
        assertThatThrownBy(() -> SizeConverter.parse("99999999999G")).hasMessage("'99999999999G' is too large to be a size in bytes");
        assertThatThrownBy(() -> SizeConverter.parse("99999999999999999999")).hasMessageContaining("too large");
    }

    @Test
    void showsSizesAsTyped() {
        assertThat(SizeConverter.show(1L << 30)).isEqualTo("1G");
        assertThat(SizeConverter.show(3L << 20)).isEqualTo("3M");
        assertThat(SizeConverter.show(1536L << 20)).isEqualTo("1536M");
        assertThat(SizeConverter.show(4096)).isEqualTo("4K");
        assertThat(SizeConverter.show(1000)).isEqualTo("1000 bytes");
        assertThat(SizeConverter.show(0)).isEqualTo("0 bytes");
    }

    /** A negative size used to pass the converter and be refused for the wrong reason ("not a multiple of 2 MiB"). */
    @Test
    void theCommandsRefuseANegativeSizeForWhatItIs() {
        CliRun o = CliRun.run("hvm", "boot", "--merged", "-2M");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).isEqualTo("Invalid value for option '--merged': '-2M' is negative: a size is 0 or more (e.g. 256M, 1G)");
        o = CliRun.run("hvm", "bench", "--mem", "-1G");
        assertThat(o.reason()).isEqualTo("Invalid value for option '--mem': '-1G' is negative: a size is 0 or more (e.g. 256M, 1G)");
        assertThat(o.err()).contains("Usage: hrt hvm bench");
    }

    /**
     * nautilus test|bench --mem went to QEMU as typed: 0M booted QEMU's default size, and a size QEMU
     * refuses made it exit 1, which reads as the kernel's "passed" (exit 0, nothing printed).
     */
    @Test
    void nautilusMemIsASizeCheckedBeforeQemuStarts() {
        for (String cmd : new String[] {"test", "bench"}) {
            CliRun o = CliRun.run("nautilus", cmd, "--mem", "0M");
            assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.reason()).isEqualTo("--mem 0 bytes: must be whole MiB and at least 18 MiB (the kernel wants 16 MiB "
                    + "free after its image): use e.g. --mem 512M");
            assertThat(CliRun.run("nautilus", cmd, "--mem", "99999999999G").reason())
                    .isEqualTo("Invalid value for option '--mem': '99999999999G' is too large to be a size in bytes");
            assertThat(CliRun.run("nautilus", cmd, "--mem", "1.5G").reason()).startsWith("Invalid value for option '--mem': '1.5G' is not a size");
            assertThat(CliRun.run("nautilus", cmd, "--mem", "4097K").reason()).startsWith("--mem 4097K: must be whole MiB");
        }
        CliRun o = CliRun.run("nautilus", "test", "--mem", "9999G");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).startsWith("--mem 9999G: more than this host's ").endsWith(" MiB of RAM: use e.g. --mem 512M");
        assertThat(o.out()).isEmpty();
    }
}
