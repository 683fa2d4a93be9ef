package org.legionhrt.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Sizes on the command line ({@code --mem}, {@code --merged}): a whole, non-negative number of
 * bytes with an optional K, M or G suffix (either case, an optional trailing B), such as
 * {@code 256M} or {@code 1G}. Anything else, negatives and overflows included, is refused with
 * the value as given, so that the error never shows a size the user did not type.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String s) {
        return parse(s);
    }

    /** {@return the bytes {@code s} names} @throws CommandLine.TypeConversionException saying why not */
    static long parse(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        if (digits.startsWith("-")) {
            throw new CommandLine.TypeConversionException("'" + s + "' is negative: a size is 0 or more (e.g. 256M, 1G)");
        }
        if (!digits.matches("[0-9]+")) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a size: give whole bytes with an optional "
                    + "K, M or G (e.g. 256M, 1G)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is too large to be a size in bytes");
        }
    }

    /** {@return {@code bytes} the way a user would type it: 1G, 64M, 4K, else plain bytes} */
    static String show(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "G";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "M";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "K";
        }
        return bytes + " bytes";
    }
}
