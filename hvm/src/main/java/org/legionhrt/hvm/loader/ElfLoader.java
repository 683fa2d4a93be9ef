/*
 * Loads an ELF64 x86-64 kernel image into guest memory: every PT_LOAD segment at its
 * physical address (p_paddr; identity map so it equals p_vaddr for our kernels), BSS
 * zeroed, all of it checked to lie inside RAM above the VMM's reserved first MiB.
 */
package org.legionhrt.hvm.loader;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.memory.GuestMemory;

/** ELF64 loading into guest memory. */
public final class ElfLoader {
    private static final int PT_LOAD = 1;

    private ElfLoader() {
    }

    /**
     * The result of loading: entry points and the highest address used.
     *
     * @param header   the HRT header tag of the image
     * @param elfEntry e_entry (the multiboot 32-bit entry of a ring0 kernel)
     * @param low      the lowest loaded address
     * @param end      one past the highest loaded address
     */
    public record Loaded(HrtHeader header, long elfEntry, long low, long end) {
    }

    /**
     * Loads {@code image} into {@code mem}, refusing anything below {@code minAddress}.
     *
     * @throws HvmException (BAD_INPUT) when the file is not an ELF64 x86-64 executable, has no
     *                      HRT header, or does not fit into guest memory
     */
    public static Loaded load(byte[] image, String name, GuestMemory mem, long minAddress) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        checkIdent(b, image.length, name);
        HrtHeader header = HrtHeader.find(image, name);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        long low = Long.MAX_VALUE;
        long end = 0;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (ph + 56 > image.length) {
                throw bad(name, "program header " + i + " lies past the end of the file");
            }
            if (b.getInt(ph) != PT_LOAD) {
                continue;
            }
            long off = b.getLong(ph + 8);
            long paddr = b.getLong(ph + 24);
            long filesz = b.getLong(ph + 32);
            long memsz = b.getLong(ph + 40);
            if (memsz == 0) {
                continue;
            }
            if (off + filesz > image.length || filesz > memsz) {
                throw bad(name, "segment " + i + " is truncated");
            }
            if (paddr < minAddress || paddr + memsz > mem.size()) {
                throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                        "%s: segment %d [%#x, %#x) does not fit guest memory [%#x, %#x): raise --mem",
                        name, i, paddr, paddr + memsz, minAddress, mem.size()));
            }
            MemorySegment dst = mem.slice(paddr, memsz);
            dst.asSlice(0, filesz).copyFrom(MemorySegment.ofArray(image).asSlice(off, filesz));
            dst.asSlice(filesz).fill((byte) 0);
            low = Math.min(low, paddr);
            end = Math.max(end, paddr + memsz);
        }
        if (end == 0) {
            throw bad(name, "no loadable segment");
        }
        return new Loaded(header, b.getLong(0x18), low, end);
    }

    private static void checkIdent(ByteBuffer b, int length, String name) {
        if (length < 64 || b.getInt(0) != 0x464c457f) {
            throw bad(name, "not an ELF file");
        }
        if (b.get(4) != 2 || b.get(5) != 1) {
            throw bad(name, "not a little-endian ELF64 file");
        }
        int machine = b.getShort(0x12) & 0xffff;
        if (machine != 62) {
            throw bad(name, "ELF machine " + machine + " is not x86-64");
        }
        int type = b.getShort(0x10) & 0xffff;
        if (type != 2) {
            throw bad(name, "ELF type " + type + " is not an executable (ET_EXEC)");
        }
    }

    private static HvmException bad(String name, String what) {
        return new HvmException(HvmException.Kind.BAD_INPUT, name + ": " + what);
    }
}
