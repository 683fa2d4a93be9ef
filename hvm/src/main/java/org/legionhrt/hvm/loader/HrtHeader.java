/*
 * The image's multiboot2 header and our HRT header tag (nautilus/include/hrt/boot.h,
 * struct hrt_header_tag): found in the first 32 KiB of the file, 8-byte aligned, checked
 * by magic and checksum, then walked tag by tag.
 */
package org.legionhrt.hvm.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
    public static final int MB2_MAGIC = 0xE85250D6;
    /** Our tag type ("HT"). */
    public static final int HRT_TAG = 0x4854;
    /** The first bytes of the file searched for the header (multiboot2 allows 32 KiB). */
    public static final int SEARCH = 32768;

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
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, SEARCH) - 16;
        for (int off = 0; off <= limit; off += 8) {
            if (b.getInt(off) != MB2_MAGIC) {
                continue;
            }
            int arch = b.getInt(off + 4);
            int length = b.getInt(off + 8);
            int checksum = b.getInt(off + 12);
            if (MB2_MAGIC + arch + length + checksum != 0 || length < 16 || off + length > image.length) {
                continue;
            }
            return tags(b, off + 16, off + length, name);
        }
        throw new HvmException(HvmException.Kind.BAD_INPUT, name
                + ": no multiboot2 header in the first 32 KiB: not a nautilus kernel image");
    }

    private static HrtHeader tags(ByteBuffer b, int at, int end, String name) {
        while (at + 8 <= end) {
            int type = b.getShort(at) & 0xffff;
            int size = b.getInt(at + 4);
            if (type == 0 || size < 8) {
                break;
            }
            if (type == HRT_TAG && size >= 32) {
                return new HrtHeader(b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20));
            }
            at += (size + 7) & ~7;
        }
        throw new HvmException(HvmException.Kind.BAD_INPUT, name
                + ": the multiboot2 header has no HRT tag (type 0x4854): rebuild the kernel with its HRT header");
    }
}
