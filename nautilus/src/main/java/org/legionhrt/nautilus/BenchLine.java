package org.legionhrt.nautilus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark JSON line ({@code ../shared/CONVENTIONS.md}): flat objects of strings and
 * numbers, as both the kernel and the Linux twins print them.
 *
 * @param json   the line itself
 * @param fields its fields in order (numbers as {@link Double}, strings as {@link String})
 */
public record BenchLine(String json, Map<String, Object> fields) {

    private static final Pattern FIELD = Pattern.compile("\"([^\"]+)\":(\"([^\"]*)\"|[-0-9.eE+]+)");

    /** Copies the map. */
    public BenchLine {
        fields = Map.copyOf(fields);
    }

    /** {@return the line parsed, or empty if it is not a benchmark JSON object} */
    public static Optional<BenchLine> parse(String line) {
        String s = line.strip();
        if (!s.startsWith("{") || !s.endsWith("}") || !s.contains("\"bench\"")) {
            return Optional.empty();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(s);
        while (m.find()) {
            f.put(m.group(1), m.group(3) != null ? m.group(3) : Double.valueOf(m.group(2)));
        }
        return Optional.of(new BenchLine(s, f));
    }

    /** {@return every benchmark line among {@code lines}} */
    public static List<BenchLine> parseAll(List<String> lines) {
        return lines.stream().map(BenchLine::parse).flatMap(Optional::stream).toList();
    }

    /** {@return the benchmark's name} */
    public String bench() {
        return String.valueOf(fields.get("bench"));
    }

    /** {@return the implementation ("nautilus", "linux")} */
    public String impl() {
        return String.valueOf(fields.get("impl"));
    }

    /** {@return the median, or NaN} */
    public double median() {
        return fields.get("median") instanceof Double d ? d : Double.NaN;
    }

    /** {@return the unit ("cycles")} */
    public String unit() {
        return String.valueOf(fields.get("unit"));
    }
}
