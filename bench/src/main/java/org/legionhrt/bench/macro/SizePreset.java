package org.legionhrt.bench.macro;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * App flags for the harness's sizes, in Legion's own flag syntax so the same list runs our
 * apps and the user's Legion builds. {@code default} is each app's own default problem;
 * stencil tiles follow the CPU count ({@code cpus × 1}), as realm_stencil wants one CPU per tile.
 */
public enum SizePreset {
    /** Seconds in all: for smoke runs and CI. */
    SMALL,
    /** The apps' defaults (Legion's, for circuit). */
    DEFAULT,
    /** A few times the default work. */
    LARGE,
    /**
     * Many short tasks (~0.1-0.2 ms bodies, thousands of launches): what the runtime's launch
     * path and wake-ups cost, which the other sizes' long bodies hide.
     */
    FINE;

    /** {@return the preset named {@code s}} @throws IllegalArgumentException naming the choices */
    public static SizePreset parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown size '" + s + "': use small, default, large or fine", e);
        }
    }

    /** {@return the preset's name on the command line} */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the flags that run {@code app} at this size on {@code cpus} CPUs} */
    public List<String> flags(String app, int cpus) {
        List<String> f = new ArrayList<>();
        switch (app) {
            case "circuit" -> {
                switch (this) {
                    case SMALL -> f.addAll(List.of("-l", "2", "-i", "200", "-p", "4", "-npp", "256", "-wpp", "256"));
                    case DEFAULT -> { } // Legion's defaults: -l 2 -i 10000 -p 4 -npp 1024 -wpp 1024
                    case LARGE -> f.addAll(List.of("-l", "4", "-p", "8"));
                    case FINE -> f.addAll(List.of("-l", "200", "-i", "100", "-p", "8", "-npp", "64", "-wpp", "64"));
                }
            }
            case "stencil" -> {
                switch (this) {
                    case SMALL -> f.addAll(List.of("-nx", "512", "-ny", "512", "-tsteps", "20", "-tprune", "5"));
                    case DEFAULT -> { }
                    case LARGE -> f.addAll(List.of("-nx", "8192", "-ny", "8192", "-tsteps", "40", "-tprune", "5"));
                    case FINE -> f.addAll(List.of("-nx", "256", "-ny", "256", "-tsteps", "500", "-tprune", "5"));
                }
                f.addAll(List.of("-ntx", Integer.toString(cpus), "-nty", "1"));
            }
            default -> throw new IllegalArgumentException("unknown app '" + app + "': use circuit or stencil");
        }
        return f;
    }
}
