package org.legionhrt.apps;

/**
 * Compares computed values with a reference within a mixed tolerance
 * {@code |x - ref| <= abs + rel·|ref|}, and remembers the worst offender for the report.
 */
public final class Tolerance {
    private final double abs;
    private final double rel;
    private double worst;
    private String worstWhere = "";
    private long checked;
    private long failed;

    /** A tolerance of {@code abs + rel·|ref|}. */
    public Tolerance(double abs, double rel) {
        this.abs = abs;
        this.rel = rel;
    }

    /** Checks one value; {@code where} names it in the report. */
    public void check(String where, long index, double value, double ref) {
        checked++;
        double err = Math.abs(value - ref);
        boolean ok = err <= abs + rel * Math.abs(ref) && !Double.isNaN(value);
        if (!ok) {
            failed++;
        }
        double scaled = Double.isNaN(value) ? Double.POSITIVE_INFINITY : err / (abs + rel * Math.abs(ref));
        if (scaled > worst || !ok && failed == 1) {
            worst = scaled;
            worstWhere = where + "[" + index + "] = " + value + " vs reference " + ref;
        }
    }

    /**
     * Checks one value that must equal its reference exactly (a quantity the computation resets,
     * such as a charge cleared to 0): any difference fails and counts as the worst, whatever its size.
     */
    public void checkExact(String where, long index, double value, double ref) {
        checked++;
        if (value == ref) {
            return;
        }
        failed++;
        if (worst != Double.POSITIVE_INFINITY) {
            worst = Double.POSITIVE_INFINITY;
            worstWhere = where + "[" + index + "] = " + value + " vs reference " + ref + " (must be exact)";
        }
    }

    /** {@return whether every checked value was within tolerance} */
    public boolean passed() {
        return failed == 0 && checked > 0;
    }

    /** {@return a one-line report: counts and the worst value} */
    public String report() {
        if (worst == 0 && failed == 0) {
            return checked + " values, all bit-identical to the reference";
        }
        return String.format(java.util.Locale.ROOT, "%d of %d values outside |err| <= %.1e + %.1e*|ref|; worst %.3g of tolerance at %s",
                failed, checked, abs, rel, worst, worstWhere);
    }
}
