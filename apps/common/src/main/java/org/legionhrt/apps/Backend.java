package org.legionhrt.apps;

import java.util.Locale;

/** Where an app's tasks run. */
public enum Backend {
    /** Native C kernels on our runtime, on Linux ("Legion on Linux"). */
    LINUX,
    /** Java kernels on our runtime, on Linux. */
    JAVA,
    /** Native kernels on our runtime inside the HRT, under the hybrid virtual machine. */
    HRT;

    /** {@return the backend's name on the command line} */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return why this backend cannot run here, or empty when it can}: {@code hrt} needs the
     * Legion HRT (runtime inside the aerokernel), which this build does not have yet.
     */
    public java.util.Optional<String> unavailable() {
        return this == HRT
                ? java.util.Optional.of("backend hrt is not yet built (the Legion HRT issue): use --backend linux")
                : java.util.Optional.empty();
    }

    /** {@return the backend named {@code s}} @throws IllegalArgumentException naming the choices */
    public static Backend parse(String s) {
        for (Backend b : values()) {
            if (b.flag().equals(s)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + s + "': use linux, java or hrt");
    }
}
