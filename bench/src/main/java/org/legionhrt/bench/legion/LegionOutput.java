package org.legionhrt.bench.legion;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what real Legion's examples print, so a user's own Legion builds join our tables as
 * backend {@code legion}: circuit's {@code SUCCESS!}, {@code ELAPSED TIME = x s} and
 * {@code GFLOPS = y}; stencil's {@code ELAPSED TIME}/{@code Elapsed time} and
 * {@code Time per iteration}. No Legion code lives here: only the line formats.
 *
 * @param seconds          elapsed time in seconds, if printed
 * @param gflops           GFLOPS, if printed
 * @param secondsPerStep   time per iteration in seconds, if printed
 * @param success          whether the run printed its timing and no failure line
 */
public record LegionOutput(OptionalDouble seconds, OptionalDouble gflops, OptionalDouble secondsPerStep,
                           boolean success) {

    private static final String NUM = "([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)";
    private static final Pattern ELAPSED = Pattern.compile(
            "(?i)elapsed\\s+time\\s*[=:]\\s*" + NUM + "\\s*(s|ms|us|seconds)?");
    private static final Pattern GFLOPS = Pattern.compile("(?i)gflops\\s*[=:]\\s*" + NUM);
    private static final Pattern PER_ITER = Pattern.compile(
            "(?i)time\\s+per\\s+iteration\\s*[=:]\\s*" + NUM + "\\s*(s|ms|us|seconds)?");
    private static final Pattern FAILURE = Pattern.compile("(?i)\\b(fail(ed|ure)?|bad value|assertion|abort)");

    /** {@return what {@code output} (the whole stdout of a Legion run) reports} */
    public static LegionOutput parse(String output) {
        OptionalDouble secs = OptionalDouble.empty();
        OptionalDouble gf = OptionalDouble.empty();
        OptionalDouble perIter = OptionalDouble.empty();
        boolean sawFailure = false;
        for (String line : output.split("\\R")) {
            Matcher m;
            if ((m = ELAPSED.matcher(line)).find()) {
                secs = OptionalDouble.of(seconds(m.group(1), m.group(2)));
            }
            if ((m = GFLOPS.matcher(line)).find()) {
                gf = OptionalDouble.of(Double.parseDouble(m.group(1)));
            }
            if ((m = PER_ITER.matcher(line)).find()) {
                perIter = OptionalDouble.of(seconds(m.group(1), m.group(2)));
            }
            sawFailure |= FAILURE.matcher(line).find();
        }
        boolean timed = secs.isPresent() || perIter.isPresent();
        return new LegionOutput(secs, gf, perIter, timed && !sawFailure);
    }

    /**
     * {@return the elapsed seconds: printed directly, else time per iteration × timed steps}
     */
    public Optional<Double> elapsed(int timedSteps) {
        if (seconds.isPresent()) {
            return Optional.of(seconds.getAsDouble());
        }
        return secondsPerStep.isPresent() ? Optional.of(secondsPerStep.getAsDouble() * timedSteps) : Optional.empty();
    }

    private static double seconds(String value, String unit) {
        double v = Double.parseDouble(value);
        if (unit == null) {
            return v;
        }
        return switch (unit.toLowerCase()) {
            case "ms" -> v / 1e3;
            case "us" -> v / 1e6;
            default -> v;
        };
    }
}
