package org.legionhrt.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Adds up test results per module from Surefire XML reports and C suites' result lines. */
final class TestSummary {
    private static final Pattern NATIVE = Pattern.compile(
            "^(?:[\\w.-]+: *)?(\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?\\s*$");
    private static final Pattern MODULE = Pattern.compile("^\\[INFO\\] -+< org\\.legionhrt:([\\w.-]+) >-+");
    private static final Pattern SUITE = Pattern.compile("<testsuite\\b[^>]*>");

    /** Counts for one module or suite. */
    record Counts(int passed, int failed, int skipped) {
        Counts plus(Counts o) {
            return new Counts(passed + o.passed, failed + o.failed, skipped + o.skipped);
        }
    }

    private final Map<String, Counts> byModule = new TreeMap<>();

    /** {@return the module Maven is building after {@code line}, given the one before} */
    static String moduleOf(String line, String current) {
        Matcher m = MODULE.matcher(line);
        return m.find() ? m.group(1) : current;
    }

    /** Counts a C suite's closing line ({@code N passed, N failed[, N skipped]}). */
    void acceptNativeLine(String module, String line) {
        Matcher m = NATIVE.matcher(line.strip());
        if (m.matches()) {
            int skipped = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            add(module + " (C)", new Counts(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), skipped));
        }
    }

    /** Counts one Surefire {@code TEST-*.xml} report found at {@code path}. */
    void acceptSurefireReport(Path path, String xml) {
        Matcher m = SUITE.matcher(xml);
        if (!m.find()) {
            return;
        }
        String tag = m.group();
        int tests = attr(tag, "tests");
        int failed = attr(tag, "failures") + attr(tag, "errors");
        int skipped = attr(tag, "skipped");
        String module = path.getNameCount() > 3 ? path.subpath(0, path.getNameCount() - 3).toString() : path.toString();
        add(module + " (JUnit)", new Counts(tests - failed - skipped, failed, skipped));
    }

    private static int attr(String tag, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"(\\d+)\"").matcher(tag);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private void add(String key, Counts c) {
        byModule.merge(key, c, Counts::plus);
    }

    /** {@return the total over every module} */
    Counts total() {
        return byModule.values().stream().reduce(new Counts(0, 0, 0), Counts::plus);
    }

    int failed() {
        return total().failed();
    }

    /** Prints a table per module and the closing {@code tests: N passed, N failed, N skipped} line. */
    void print(PrintStream out) {
        out.println();
        out.println("== test summary ==");
        byModule.forEach((k, c) -> out.printf("  %-34s %6d passed %4d failed %4d skipped%n",
                k, c.passed(), c.failed(), c.skipped()));
        Counts t = total();
        out.printf("tests: %d passed, %d failed, %d skipped%n", t.passed(), t.failed(), t.skipped());
    }
}
