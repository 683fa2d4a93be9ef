/*
 * Loads a multiboot2 kernel image into guest memory: every PT_LOAD segment of the ELF64
 * x86-64 file at its physical address (p_paddr; identity map so it equals p_vaddr for our
 * kernels), BSS zeroed, or, when the multiboot2 header has an address tag, the file's bytes
 * where that tag says; all of it checked to lie inside RAM above the VMM's reserved first MiB.
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
    private static final int ELF_MAGIC = 0x464c457f;

    private ElfLoader() {
    }

    /**
     * The result of loading: the header, entry points and the range used.
     *
     * @param mb2      the image's multiboot2 header
     * @param name     the image's name (for messages)
     * @param elfEntry e_entry, or -1 for a flat image loaded through the address tag
     * @param low      the lowest loaded address
     * @param end      one past the highest loaded address
     */
    public record Loaded(Multiboot2Header mb2, String name, long elfEntry, long low, long end) {
        /**
         * {@return the HRT tag of the image}
         *
         * @throws HvmException (BAD_INPUT) when the image has none
         */
        public HrtHeader header() {
            return HrtHeader.of(mb2, name);
        }

        /** {@return the 32-bit multiboot2 entry: the entry tag's address, else e_entry} */
        public long entry32() {
            return mb2.entry() >= 0 ? mb2.entry() : elfEntry;
        }
    }

    /**
     * Loads {@code image} into {@code mem}, refusing anything below {@code minAddress}.
     *
     * @throws HvmException (BAD_INPUT) when the file has no multiboot2 header, is neither an
     *                      ELF64 x86-64 executable nor carries an address tag, or does not fit
     *                      into guest memory
     */
    public static Loaded load(byte[] image, String name, GuestMemory mem, long minAddress) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < 4 || b.getInt(0) != ELF_MAGIC) {
            Multiboot2Header flat;
            try {
                flat = Multiboot2Header.find(image, name);
            } catch (HvmException e) {
                throw bad(name, "not an ELF file, and no multiboot2 header either");
            }
            if (flat.address() == null) {
                throw bad(name, "not an ELF file, and its multiboot2 header has no address tag to load it by");
            }
            return loadFlat(image, name, mem, minAddress, flat);
        }
        checkIdent(b, image.length, name);
        Multiboot2Header mb2 = Multiboot2Header.find(image, name);
        if (mb2.address() != null) {
            return loadFlat(image, name, mem, minAddress, mb2);
        }
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
            place(image, off, filesz, paddr, memsz, mem, minAddress, name + ": segment " + i);
            low = Math.min(low, paddr);
            end = Math.max(end, paddr + memsz);
        }
        if (end == 0) {
            throw bad(name, "no loadable segment");
        }
        return new Loaded(mb2, name, b.getLong(0x18), low, end);
    }

    /** The address tag's way (the "a.out kludge"): a flat copy of the file, then zeroes. */
    private static Loaded loadFlat(byte[] image, String name, GuestMemory mem, long minAddress, Multiboot2Header mb2) {
        Multiboot2Header.Address a = mb2.address();
        long load = a.loadAddr() == -1 ? a.headerAddr() - mb2.offset() : a.loadAddr();
        long fileOff = mb2.offset() - (a.headerAddr() - load);
        if (fileOff < 0 || fileOff > image.length) {
            throw bad(name, "the address tag puts the header outside the file");
        }
        long filesz = a.loadEndAddr() == 0 ? image.length - fileOff : a.loadEndAddr() - load;
        long end = Math.max(load + filesz, a.bssEndAddr());
        if (filesz < 0 || fileOff + filesz > image.length) {
            throw bad(name, "the address tag loads past the end of the file");
        }
        if (mb2.entry() < 0) {
            throw bad(name, "the multiboot2 header has an address tag but no entry tag: where does the kernel start?");
        }
        place(image, fileOff, filesz, load, end - load, mem, minAddress, name + ": the address tag's range");
        return new Loaded(mb2, name, -1, load, end);
    }

    private static void place(byte[] image, long off, long filesz, long paddr, long memsz, GuestMemory mem,
                              long minAddress, String what) {
        if (paddr < minAddress || paddr + memsz > mem.size()) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "%s [%#x, %#x) does not fit guest memory [%#x, %#x): raise --mem",
                    what, paddr, paddr + memsz, minAddress, mem.size()));
        }
        MemorySegment dst = mem.slice(paddr, memsz);
        dst.asSlice(0, filesz).copyFrom(MemorySegment.ofArray(image).asSlice(off, filesz));
        dst.asSlice(filesz).fill((byte) 0);
    }

    private static void checkIdent(ByteBuffer b, int length, String name) {
        if (length < 64 || b.getInt(0) != ELF_MAGIC) {
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
