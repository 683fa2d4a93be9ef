/*
 * What `./hrt doctor` and the tests need to know about /dev/kvm in one value: can we run a
 * VM, which API version, how guest ring 0 executes, and if unusable, what is wrong and how
 * to fix it.
 */
package org.legionhrt.hvm.kvm;

/**
 * The result of {@link Kvm#probe()}.
 *
 * @param usable     true when /dev/kvm opened, reported API version 12 and created a VM
 * @param apiVersion the KVM API version, or -1 when it could not be read
 * @param ring0Mode  "hardware" (VT-x/SVM run guest ring 0 natively), "emulated" (PVM: guest
 *                   ring 0 interpreted per instruction, ring 3 native) or "unknown"
 * @param problem    null when usable, else one line saying what is wrong and the fix
 */
public record KvmProbe(boolean usable, int apiVersion, String ring0Mode, String problem) {
    /** Ring 0 runs natively (VT-x or SVM). */
    public static final String HARDWARE = "hardware";
    /** Ring 0 is emulated per instruction (PVM); ring 3 is native. */
    public static final String EMULATED = "emulated";
    /** Could not tell. */
    public static final String UNKNOWN = "unknown";
}
