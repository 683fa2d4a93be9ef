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
     * {@return why this backend cannot run here, or empty when it can}: {@code hrt} needs a
     * usable {@code /dev/kvm} (read and write access) to boot the HVM.
     */
    public java.util.Optional<String> unavailable() {
        if (this != HRT) {
            return java.util.Optional.empty();
        }
        java.nio.file.Path kvm = java.nio.file.Path.of(System.getProperty("legionhrt.kvm", "/dev/kvm"));
        if (!java.nio.file.Files.exists(kvm)) {
            return java.util.Optional.of("backend hrt needs KVM, and " + kvm + " does not exist here: use --backend linux");
        }
        if (!java.nio.file.Files.isReadable(kvm) || !java.nio.file.Files.isWritable(kvm)) {
            return java.util.Optional.of("backend hrt needs read/write access to " + kvm + ": use --backend linux");
        }
        return java.util.Optional.empty();
    }

    /** The names {@link #parse} accepts, for error messages. */
    public static final String CHOICES = "hrt, linux or java";

    /** {@return the backend named {@code s}, if any} */
    public static java.util.Optional<Backend> find(String s) {
        for (Backend b : values()) {
            if (b.flag().equals(s)) {
                return java.util.Optional.of(b);
            }
        }
        return java.util.Optional.empty();
    }

    /** {@return the backend named {@code s}} @throws IllegalArgumentException naming the choices */
    public static Backend parse(String s) {
        return find(s).orElseThrow(() -> new IllegalArgumentException("unknown backend '" + s + "': use " + CHOICES));
    }
}
