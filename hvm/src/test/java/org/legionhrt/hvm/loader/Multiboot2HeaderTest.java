/*
 * The multiboot2 header parser on synthetic headers (no KVM needed): magic and checksum,
 * architecture, the address and entry tags, our HRT tag, and the required tags this loader
 * cannot honour.
 */
package org.legionhrt.hvm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class Multiboot2HeaderTest {
    /** A file with a header at {@code at} made of {@code tags} (each already 8-aligned), end tag added. */
    private static byte[] image(int at, int arch, int[]... tags) {
        ByteBuffer b = ByteBuffer.allocate(at + 4096).order(ByteOrder.LITTLE_ENDIAN);
        int p = at + 16;
        for (int[] t : tags) {
            for (int w : t) {
                b.putInt(p, w);
                p += 4;
            }
            p = (p + 7) & ~7;
        }
        b.putInt(p, 0).putInt(p + 4, 8);
        int len = p + 8 - at;
        b.putInt(at, Multiboot2Header.MAGIC).putInt(at + 4, arch).putInt(at + 8, len)
                .putInt(at + 12, -(Multiboot2Header.MAGIC + arch + len));
        return b.array();
    }

    @Test
    void addressEntryAndHrtTagsAreRead() {
        byte[] img = image(64, 0,
                new int[] {2, 24, 0x100040, 0x100000, 0x101000, 0x102000},
                new int[] {3, 12, 0x100080},
                new int[] {0x4854 | 1 << 16, 32, 0x100100, 0, 1, 4096, 0, 0});
        Multiboot2Header h = Multiboot2Header.find(img, "t");
        assertThat(h.offset()).isEqualTo(64);
        assertThat(h.address()).isEqualTo(new Multiboot2Header.Address(0x100040, 0x100000, 0x101000, 0x102000));
        assertThat(h.entry()).isEqualTo(0x100080);
        assertThat(h.hrt()).isEqualTo(new HrtHeader(0x100100, 1, 4096));
        assertThat(h.supports(0)).isTrue();
        assertThat(h.unsupported()).isEmpty();
    }

    @Test
    void requiredTagsWeCannotProvideAreListed() {
        byte[] img = image(0, 0,
                new int[] {5, 20, 1024, 768, 32},               // framebuffer, required
                new int[] {5 | 1 << 16, 20, 1024, 768, 32},     // the same, optional: fine
                new int[] {1, 16, 6, 13},                        // info request: mmap (ok), SMBIOS (no)
                new int[] {1 | 1 << 16, 12, 9});                 // optional request: fine
        Multiboot2Header h = Multiboot2Header.find(img, "t");
        assertThat(h.unsupported()).containsExactly("required header tag 5 (framebuffer)", "information tag 13 (SMBIOS)");
        assertThat(h.hrt()).isNull();
        assertThatThrownBy(() -> HrtHeader.of(h, "t")).hasMessageContaining("no HRT tag");
    }

    @Test
    void badHeadersAreRefusedWithTheReason() {
        byte[] img = image(8, 0);
        img[8 + 12] ^= 1;
        assertThatThrownBy(() -> Multiboot2Header.find(img, "t")).hasMessageContaining("checksum");
        assertThatThrownBy(() -> Multiboot2Header.find(image(8, 4), "t")).hasMessageContaining("architecture 4");
        assertThatThrownBy(() -> Multiboot2Header.find(new byte[100], "t")).hasMessageContaining("no multiboot2 header");
        byte[] late = image(40000, 0);
        assertThatThrownBy(() -> Multiboot2Header.find(late, "t")).hasMessageContaining("first 32 KiB");
    }
}
