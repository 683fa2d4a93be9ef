/*
 * Properties of damaged kernel images (random bytes flipped, the file cut short): the loader,
 * the multiboot2 and HRT header parsers and the symbol reader either accept one or refuse it
 * with a BAD_INPUT HvmException naming the image, never anything else (an index, arithmetic or
 * argument exception from deep inside); booted, one ends as a guest (exit code or the guest's
 * failure) or as that refusal. The loader needs no KVM: it writes into mapped memory.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.legionhrt.hvm.boot.Layout;
import org.legionhrt.hvm.loader.ElfLoader;
import org.legionhrt.hvm.loader.Multiboot2Header;
import org.legionhrt.hvm.loader.Symbols;
import org.legionhrt.hvm.memory.GuestMemory;

class ImageGarbagePropertyTest {
    private static byte[] valid;
    /** A flat multiboot2 kernel (address and entry tags, no ELF): the loader's other path. */
    private static byte[] flat;
    private static GuestMemory mem;

    @BeforeContainer
    static void setUp() {
        try {
            valid = Files.readAllBytes(TestGuests.guest("exit7"));
            flat = Files.readAllBytes(TestGuests.flat());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mem = GuestMemory.create(32L << 20, null, false);
    }

    @AfterContainer
    static void tearDown() {
        mem.close();
    }

    /** One change to an image: at {@code at}, {@code value} xor'ed in over {@code width} bytes. */
    record Flip(int at, long value, int width) {
        void apply(byte[] img) {
            for (int i = 0; i < width && at + i < img.length; i++) {
                img[at + i] ^= (byte) (value >>> (8 * i));
            }
        }
    }

    @Provide
    Arbitrary<Flip> flips() {
        // Mostly the headers (ELF header, program headers, the multiboot2 header), where a
        // flipped field is read and trusted; then the symbol and section tables; sometimes anywhere.
        Arbitrary<Integer> at = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0x200)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x1000, 0x1080)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x1058, valid.length)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, valid.length)));
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0xffL, 0x80L, 0x7fL, 0x01L,
                0xffffffffL, 0x8000000000000000L, 0xffffffffffffffffL));
        Arbitrary<Integer> width = Arbitraries.of(1, 2, 4, 8);
        return Combinators.combine(at, value, width).as(Flip::new);
    }

    @Property(tries = 3000)
    void aFlippedImageLoadsOrIsRefusedByName(@ForAll("flips") Flip f1, @ForAll("flips") Flip f2,
                                             @ForAll("lengths") int keep) {
        byte[] img = valid.clone();
        f1.apply(img);
        f2.apply(img);
        img = java.util.Arrays.copyOf(img, Math.min(img.length, keep));
        loadOrRefuse(img);
    }

    /** The same for the flat image: its header (address tag, entry tag) is all there is to damage. */
    @Property(tries = 1000)
    void aFlippedFlatImageLoadsOrIsRefusedByName(@ForAll("flatFlips") Flip f1, @ForAll("flatFlips") Flip f2) {
        byte[] img = flat.clone();
        f1.apply(img);
        f2.apply(img);
        // the checksum covers only the header's first 16 bytes: keep it right so the tags are read
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(12, -(b.getInt(0) + b.getInt(4) + b.getInt(8)));
        loadOrRefuse(img);
    }

    @Provide
    Arbitrary<Flip> flatFlips() {
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0xffL, 0x80L, 0x01L, 0xffffffffL,
                0x80000000L, 0xfff00000L));
        return Combinators.combine(Arbitraries.integers().between(4, 0x3f), value, Arbitraries.of(1, 2, 4, 8)).as(Flip::new);
    }

    /**
     * Booted, a damaged header either is refused or boots; the guest then exits 7 or fails
     * as a guest (its fault, the VMM's refusal of an exit): an HvmException either way, and
     * no exception of another type from the VMM. Flips stay in the headers: flipped code could
     * spin, and that is the timeout tests' business.
     */
    @Property(tries = 60)
    void aDamagedHeaderBootsOrFailsAsAGuest(@ForAll("headerFlips") Flip f1, @ForAll("headerFlips") Flip f2) {
        if (!org.legionhrt.hvm.kvm.Kvm.probe().usable()) {
            return;                 // nothing to boot on (jqwik would count JUnit's skip as a rejected try)
        }
        byte[] img = valid.clone();
        f1.apply(img);
        f2.apply(img);
        try (Hvm h = Hvm.builder().memory(32L << 20).awaitReady(false).boot(img, "fuzzed")) {
            assertThat(h.awaitExit(java.time.Duration.ofSeconds(2))).isEqualTo(7);   // a jump into the middle may spin: 2 s each at most
        } catch (HvmException e) {
            assertThat(e.getMessage()).doesNotContain("thread failed");
        }
    }

    @Provide
    Arbitrary<Flip> headerFlips() {
        Arbitrary<Integer> at = Arbitraries.oneOf(Arbitraries.integers().between(0, 0xb0),
                Arbitraries.integers().between(0x1000, 0x1037));
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0xffL, 0x80L, 0x01L, 0xffffffffL));
        return Combinators.combine(at, value, Arbitraries.of(1, 2, 4, 8)).as(Flip::new);
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Integer.MAX_VALUE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0x3000)));
    }

    private static void loadOrRefuse(byte[] img) {
        try {
            ElfLoader.Loaded l = ElfLoader.load(img, "fuzzed", mem, Layout.IMAGE_MIN);
            l.entry32();
            try {
                l.header();
            } catch (HvmException e) {
                assertThat(e.kind()).isEqualTo(HvmException.Kind.BAD_INPUT);
            }
        } catch (HvmException e) {
            assertThat(e.kind()).isEqualTo(HvmException.Kind.BAD_INPUT);
            assertThat(e.getMessage()).startsWith("fuzzed: ").doesNotContain("Exception");
        }
        try {
            Multiboot2Header.find(img, "fuzzed");
        } catch (HvmException e) {
            assertThat(e.kind()).isEqualTo(HvmException.Kind.BAD_INPUT);
        }
        Symbols.of(img).describe(0x100000);
    }
}
