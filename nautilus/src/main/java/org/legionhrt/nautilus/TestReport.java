package org.legionhrt.nautilus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel self-test results read from its console: one {@code TEST <name> PASS|FAIL <ms>ms
 * [reason]} line per test and the summary {@code tests: N passed, N failed}.
 *
 * @param results  every test line, in order
 * @param summary  the summary line's counts, if the kernel got that far
 */
public record TestReport(List<TestResult> results, Optional<Summary> summary) {

    private static final Pattern TEST = Pattern.compile("^TEST (\\S+) (PASS|FAIL) (\\d+)ms ?(.*)$");
    private static final Pattern SUMMARY = Pattern.compile("^tests: (\\d+) passed, (\\d+) failed$");

    /** One test. @param name its name @param passed whether it passed @param millis its duration
     *  @param reason why it failed ("" if it passed) */
    public record TestResult(String name, boolean passed, long millis, String reason) {}

    /** The kernel's final counts. @param passed tests passed @param failed tests failed */
    public record Summary(int passed, int failed) {}

    /** Copies the list. */
    public TestReport {
        results = List.copyOf(results);
    }

    /** {@return the report parsed from console lines} */
    public static TestReport parse(List<String> console) {
        List<TestResult> rs = new ArrayList<>();
        Summary s = null;
        for (String line : console) {
            Matcher m = TEST.matcher(line);
            if (m.matches()) {
                rs.add(new TestResult(m.group(1), m.group(2).equals("PASS"), Long.parseLong(m.group(3)), m.group(4)));
                continue;
            }
            Matcher sm = SUMMARY.matcher(line);
            if (sm.matches()) {
                s = new Summary(Integer.parseInt(sm.group(1)), Integer.parseInt(sm.group(2)));
            }
        }
        return new TestReport(rs, Optional.ofNullable(s));
    }

    /** {@return the failed tests} */
    public List<TestResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** {@return whether the summary was printed, matches the lines, and nothing failed} */
    public boolean allPassed() {
        return summary.isPresent() && summary.get().failed() == 0 && failures().isEmpty()
                && summary.get().passed() == results.size() && !results.isEmpty();
    }
}
