/*
 * The multiboot2 header of an image as a loader sees it: found 8-byte aligned in the first
 * 32 KiB (magic 0xE85250D6, architecture 0 = i386, header length, checksum that makes the
 * four fields sum to zero), then its tags: address (2), entry (3), our HRT tag, and the
 * required tags this loader cannot honour, which the spec says must fail the boot.
 */
package org.legionhrt.hvm.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.legionhrt.hvm.HvmException;

/**
 * What the multiboot2 header of an image asks for.
 *
 * @param offset      file offset of the header
 * @param hrt         the HRT tag, or null when the image has none (a plain multiboot2 kernel)
 * @param address     the address tag, or null (then the ELF program headers are used)
 * @param entry       the i386 entry address of the entry tag, or -1 (then e_entry is used)
 * @param unsupported required tags this loader cannot provide, one line each (empty when fine)
 */
public record Multiboot2Header(int offset, HrtHeader hrt, Address address, long entry, List<String> unsupported) {
    /** The header magic. */
    public static final int MAGIC = 0xE85250D6;
    /** The first bytes of the file searched for the header (the spec's limit). */
    public static final int SEARCH = 32768;
    /** Information-request types we provide: cmdline, loader name, meminfo, mmap, ACPI RSDP (old, new), HRT info. */
    private static final List<Integer> PROVIDED = List.of(1, 2, 4, 6, 14, 15, 0x4842);

    /**
     * The address tag: where the file's bytes go when the loader is not to read the ELF headers.
     *
     * @param headerAddr  the physical address the header itself is loaded at
     * @param loadAddr    the physical address of the first byte loaded (-1: the file's start)
     * @param loadEndAddr one past the last byte loaded from the file (0: to the end of the file)
     * @param bssEndAddr  one past the zeroed area after it (0: none)
     */
    public record Address(long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr) {
    }

    /** {@return true if the image carries an HRT tag listing {@code profile}} */
    public boolean supports(int profile) {
        return hrt != null && hrt.supports(profile);
    }

    /**
     * Finds and walks the multiboot2 header of {@code image}.
     *
     * @throws HvmException (BAD_INPUT) when there is no valid header in the first 32 KiB
     */
    public static Multiboot2Header find(byte[] image, String name) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, SEARCH) - 16;
        boolean badChecksum = false;
        for (int off = 0; off <= limit; off += 8) {
            if (b.getInt(off) != MAGIC) {
                continue;
            }
            int arch = b.getInt(off + 4);
            int length = b.getInt(off + 8);
            if (MAGIC + arch + length + b.getInt(off + 12) != 0 || length < 16 || (long) off + length > image.length) {
                badChecksum = true;
                continue;
            }
            if (arch != 0) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, name + ": the multiboot2 header is for architecture "
                        + arch + ", not i386 (0)");
            }
            return tags(b, off, off + length, name);
        }
        throw new HvmException(HvmException.Kind.BAD_INPUT, name + (badChecksum
                ? ": the multiboot2 magic 0xE85250D6 is there but its checksum or length is wrong"
                : ": no multiboot2 header (magic 0xE85250D6) in the first 32 KiB: not a multiboot2 kernel image"));
    }

    private static Multiboot2Header tags(ByteBuffer b, int header, int end, String name) {
        HrtHeader hrt = null;
        Address address = null;
        long entry = -1;
        List<String> unsupported = new ArrayList<>();
        int at = header + 16;
        while (at + 8 <= end) {
            int type = b.getShort(at) & 0xffff;
            boolean optional = (b.getShort(at + 2) & 1) != 0;
            int size = b.getInt(at + 4);
            if (type == 0 || size < 8) {
                break;
            }
            if (size > end - at) {          // a size near 2^31 would also wrap the walk backwards
                throw new HvmException(HvmException.Kind.BAD_INPUT, String.format("%s: multiboot2 header tag %d at"
                        + " file offset %#x has %d bytes, past the header's end at %#x", name, type, at, size, end));
            }
            switch (type) {
                case 1 -> requests(b, at, size, optional, unsupported);
                case 2 -> address = new Address(u32(b, at + 8), signedLoad(b.getInt(at + 12)), u32(b, at + 16), u32(b, at + 20));
                case 3 -> entry = u32(b, at + 8);
                case 4, 6, 10 -> { }      // console flags (we have a serial port), module alignment, relocatable
                case HrtHeader.HRT_TAG -> hrt = size >= 32 ? new HrtHeader(b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20)) : null;
                default -> {
                    if (!optional) {
                        unsupported.add("required header tag " + type + " (" + tagName(type) + ")");
                    }
                }
            }
            at += (size + 7) & ~7;
        }
        return new Multiboot2Header(header, hrt, address, entry, List.copyOf(unsupported));
    }

    private static void requests(ByteBuffer b, int at, int size, boolean optional, List<String> unsupported) {
        for (int p = at + 8; p + 4 <= at + size; p += 4) {
            int want = b.getInt(p);
            if (!optional && !PROVIDED.contains(want)) {
                unsupported.add("information tag " + want + " (" + infoName(want) + ")");
            }
        }
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** load_addr -1 means "from the start of the text segment", i.e. the header's own file position. */
    private static long signedLoad(int v) {
        return v == -1 ? -1 : Integer.toUnsignedLong(v);
    }

    private static String tagName(int type) {
        return switch (type) {
            case 5 -> "framebuffer";
            case 7 -> "EFI boot services";
            case 8 -> "EFI i386 entry";
            case 9 -> "EFI amd64 entry";
            default -> "unknown";
        };
    }

    private static String infoName(int type) {
        return switch (type) {
            case 3 -> "modules";
            case 5 -> "BIOS boot device";
            case 7 -> "VBE info";
            case 8 -> "framebuffer info";
            case 9 -> "ELF symbols";
            case 10 -> "APM table";
            case 11, 12, 17, 18, 19, 20 -> "EFI";
            case 13 -> "SMBIOS";
            case 16 -> "network";
            case 21 -> "image load base";
            default -> "unknown";
        };
    }
}
