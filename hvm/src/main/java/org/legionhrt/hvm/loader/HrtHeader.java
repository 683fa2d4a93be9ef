/*
 * Our HRT header tag (nautilus/include/hrt/boot.h, struct hrt_header_tag) in an image's
 * multiboot2 header (found and walked by Multiboot2Header): the 64-bit entry, the profiles
 * the image supports and its per-CPU area size.
 */
package org.legionhrt.hvm.loader;

import org.legionhrt.hvm.HvmException;

/**
 * What the HRT tag says about an image.
 *
 * @param entry64    the 64-bit entry point (rdi = boot info, rsi = cpu index)
 * @param profiles   bit mask of (1 &lt;&lt; profile) the image supports
 * @param percpuSize bytes of per-CPU area the kernel needs at each GS base
 */
public record HrtHeader(long entry64, int profiles, int percpuSize) {
    /** Multiboot2 header magic. */
    public static final int MB2_MAGIC = Multiboot2Header.MAGIC;
    /** Our tag type ("HT"). */
    public static final int HRT_TAG = 0x4854;
    /** The first bytes of the file searched for the header (multiboot2 allows 32 KiB). */
    public static final int SEARCH = Multiboot2Header.SEARCH;

    /** {@return true if the image supports {@code profile} (0 = ring0, 1 = deprivileged)} */
    public boolean supports(int profile) {
        return (profiles & (1 << profile)) != 0;
    }

    /**
     * Finds the multiboot2 header in {@code image} and returns its HRT tag.
     *
     * @throws HvmException (BAD_INPUT) when there is no multiboot2 header or no HRT tag
     */
    public static HrtHeader find(byte[] image, String name) {
        return of(Multiboot2Header.find(image, name), name);
    }

    /**
     * {@return the HRT tag of {@code mb2}}
     *
     * @throws HvmException (BAD_INPUT) when the header has none
     */
    public static HrtHeader of(Multiboot2Header mb2, String name) {
        if (mb2.hrt() == null) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, name
                    + ": the multiboot2 header has no HRT tag (type 0x4854): the deprivileged profile needs"
                    + " an HRT kernel (nautilus-depriv.elf); a plain multiboot2 kernel boots with --profile ring0");
        }
        return mb2.hrt();
    }
}
