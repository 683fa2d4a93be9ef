/*
 * The function symbols of a kernel image or of a module loaded at run time (ELF .symtab, else
 * .dynsym), so a failure report can say in which function the faulting RIP lies
 * ("nk_test_fn_crash_page_fault+0x10"), not only its address. Stripped images simply have none.
 */
package org.legionhrt.hvm.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Address-to-function lookup over an ELF64 symbol table; immutable. */
public final class Symbols {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    /** sizeof(Elf64_Shdr). */
    private static final int SHDR_SIZE = 64;

    /** A function: where it ends (0 = unknown size) and its name. */
    private record Fn(long size, String name) {
    }

    private final TreeMap<Long, Fn> byAddress;

    private Symbols(TreeMap<Long, Fn> byAddress) {
        this.byAddress = byAddress;
    }

    /** {@return the function symbols of {@code image}} (empty when it has no symbol table). */
    public static Symbols of(byte[] image) {
        return of(image, 0);
    }

    /**
     * {@return the function symbols of {@code elf} loaded with load bias {@code bias}} (a
     * shared object's symbol values are offsets: the address is bias + value). The full
     * .symtab when there is one, else the exported .dynsym.
     */
    public static Symbols of(byte[] elf, long bias) {
        TreeMap<Long, Fn> map = new TreeMap<>();
        Symbols s = new Symbols(map);
        try {
            for (int type : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
                s.readTables(elf, type, bias);
                if (!map.isEmpty()) {
                    break;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            map.clear();               // a malformed table only costs us the names
        }
        return s;
    }

    private void readTables(byte[] elf, int type, long bias) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        if (shentsize < SHDR_SIZE) {
            return;                 // not ELF64 section headers: every index would be the same one
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != type || !seen.add(b.getLong(sh + 24))) {
                continue;           // a table read once already: a damaged image may list it 65535 times
            }
            int strtab = (int) (shoff + (long) b.getInt(sh + 40) * shentsize);
            read(b, elf, b.getLong(sh + 24), b.getLong(sh + 32), (int) b.getLong(strtab + 24), bias);
        }
    }

    private void read(ByteBuffer b, byte[] image, long off, long size, int strOff, long bias) {
        for (long e = off; e + 24 <= off + size; e += 24) {
            int info = b.get((int) e + 4) & 0xff;
            long value = b.getLong((int) e + 8);
            if ((info & 0xf) == STT_FUNC && value != 0) {
                byAddress.put(bias + value, new Fn(b.getLong((int) e + 16), cString(image, strOff + b.getInt((int) e))));
            }
        }
    }

    private static String cString(byte[] image, int at) {
        int end = at;
        while (end < image.length && image[end] != 0) {
            end++;
        }
        return new String(image, at, end - at, StandardCharsets.US_ASCII);
    }

    /** {@return "function+0xoff" for {@code address}, if it lies inside a known function} */
    public Optional<String> describe(long address) {
        Map.Entry<Long, Fn> e = byAddress.floorEntry(address);
        if (e == null) {
            return Optional.empty();
        }
        long off = address - e.getKey();
        if (e.getValue().size() != 0 && off >= e.getValue().size()) {
            return Optional.empty();
        }
        return Optional.of(e.getValue().name() + "+0x" + Long.toHexString(off));
    }
}
