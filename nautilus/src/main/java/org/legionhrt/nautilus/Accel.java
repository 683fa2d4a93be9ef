package org.legionhrt.nautilus;

import java.util.Locale;

/** QEMU accelerator: TCG (emulation, works everywhere) or KVM (needs /dev/kvm). */
public enum Accel {
    /** Tiny Code Generator: full emulation, the default. */
    TCG,
    /** The host's KVM (on our PVM hosts guest ring 0 is emulated, so it is slower than TCG). */
    KVM;

    /** {@return the name QEMU's {@code -accel} takes} */
    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the accelerator named {@code s} (case-insensitive)} @throws NautilusException if unknown */
    public static Accel parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new NautilusException("unknown accelerator '" + s + "': use tcg or kvm");
        }
    }
}
