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
    /** sizeof(Elf64_Phdr): the fields read here end at byte 48 of it. */
    private static final int PHDR_SIZE = 56;

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
        checkProgramHeaders(image.length, phoff, phentsize, phnum, name);
        long low = Long.MAX_VALUE;
        long end = 0;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);     // checked above to lie inside the file
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
            checkSegment(image.length, i, off, filesz, memsz, name);
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

    /**
     * Refuses program headers that do not lie inside the file: every field is the file's word,
     * and an offset near 2^31 or 2^63 must not wrap into the file (or out of it) when indexed.
     */
    private static void checkProgramHeaders(int length, long phoff, int phentsize, int phnum, String name) {
        if (phnum == 0) {
            return;                                 // "no loadable segment" says it
        }
        if (phentsize < PHDR_SIZE) {
            throw bad(name, "program headers of " + phentsize + " bytes (e_phentsize): ELF64 ones have " + PHDR_SIZE);
        }
        long table = (long) (phnum - 1) * phentsize + PHDR_SIZE;
        if (phoff < 0 || phoff > length - table) {
            throw bad(name, String.format("its %d program headers at file offset %#x (e_phoff) lie past the end of the"
                    + " file (%d bytes): truncated or not an ELF64 executable", phnum, phoff, length));
        }
    }

    /** Refuses a segment whose file bytes lie outside the file or exceed its size in memory. */
    private static void checkSegment(int length, int i, long off, long filesz, long memsz, String name) {
        if (off < 0 || filesz < 0 || off > length - filesz) {
            throw bad(name, String.format("segment %d is truncated: its file bytes [%#x, +%#x) lie past the end of the"
                    + " file (%d bytes)", i, off, filesz, length));
        }
        if (Long.compareUnsigned(filesz, memsz) > 0) {
            throw bad(name, String.format("segment %d has more bytes in the file (p_filesz %#x) than in memory"
                    + " (p_memsz %#x)", i, filesz, memsz));
        }
    }

    private static void place(byte[] image, long off, long filesz, long paddr, long memsz, GuestMemory mem,
                              long minAddress, String what) {
        // In that order, so nothing overflows: a huge p_memsz must not wrap paddr + memsz below the end.
        if (paddr < minAddress || paddr > mem.size() || memsz < 0 || memsz > mem.size() - paddr) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "%s [%#x, +%#x) does not fit guest memory [%#x, %#x): raise --mem, or the image is damaged",
                    what, paddr, memsz, minAddress, mem.size()));
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
