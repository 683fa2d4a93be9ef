/*
 * The symbol reader on a damaged kernel image: it runs inside failure reports (a vCPU thread
 * describing the faulting rip), so garbage section headers must cost the names, never an
 * exception or a long stall.
 */
package org.legionhrt.hvm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legionhrt.hvm.NautilusImage;

class SymbolsGarbageTest {
    @Test
    @Timeout(10)
    void sectionHeadersRepeatingTheSymbolTableDoNotStallAFailureReport() throws Exception {
        Optional<Path> kernel = NautilusImage.find();
        assumeTrue(kernel.isPresent(), "nautilus-depriv.elf not built");
        byte[] img = Files.readAllBytes(kernel.get());
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int symtab = -1;
        for (int i = 0; i < (b.getShort(0x3c) & 0xffff); i++) {
            if (b.getInt((int) shoff + 64 * i + 4) == 2) {
                symtab = i;
            }
        }
        assertThat(symtab).as("the kernel has a .symtab").isPositive();
        long symbols = b.getLong((int) shoff + 64 * symtab + 32) / 24;
        // e_shentsize 0 and e_shnum 0xffff: "every" section header is the symbol table's (0.8 s
        // for this kernel's few hundred functions before; seconds for a bigger image)
        b.putLong(0x28, shoff + 64L * symtab).putShort(0x3a, (short) 0).putShort(0x3c, (short) -1);
        assertThat(millisToDescribe(img)).as("%d symbols read 65535 times", symbols).isLessThan(300);
        // the same table behind 65535 distinct section headers (a file of 4 MiB of them)
        byte[] big = java.util.Arrays.copyOf(img, img.length + 65535 * 64);
        ByteBuffer g = ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 65535; i++) {
            g.put(img.length + 64 * i, img, (int) shoff + 64 * symtab, 64);
        }
        g.putLong(0x28, img.length).putShort(0x3a, (short) 64).putShort(0x3c, (short) -1);
        assertThat(millisToDescribe(big)).isLessThan(300);
    }

    private static long millisToDescribe(byte[] img) {
        long t0 = System.nanoTime();
        Symbols.of(img).describe(0x100000);
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
