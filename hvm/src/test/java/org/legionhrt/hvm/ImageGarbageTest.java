/*
 * Damaged kernel images, one field at a time: each is refused with a BAD_INPUT HvmException
 * naming the image and the problem, never an index or arithmetic exception from inside the
 * loader, and never loaded wrongly (an offset that wraps into the file). The loader cases need
 * no KVM; the ones the boot checks (entry, stacks) boot.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.function.Consumer;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.legionhrt.hvm.boot.Layout;
import org.legionhrt.hvm.loader.ElfLoader;
import org.legionhrt.hvm.memory.GuestMemory;

class ImageGarbageTest {
    /** exit7.elf's layout: its first program header (the code's PT_LOAD) and its HRT tag. */
    private static final int PH0 = 0x40, HRT_TAG = 0x1010;
    private static GuestMemory mem;

    @BeforeAll
    static void map() {
        mem = GuestMemory.create(32L << 20, null, false);
    }

    @AfterAll
    static void unmap() {
        mem.close();
    }

    /** {@return exit7.elf with {@code edit} applied to its bytes} */
    private static byte[] exit7(Consumer<ByteBuffer> edit) {
        try {
            byte[] img = Files.readAllBytes(TestGuests.guest("exit7"));
            ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getInt(PH0)).as("exit7's first program header is its PT_LOAD").isEqualTo(1);
            assertThat(b.getShort(HRT_TAG) & 0xffff).as("exit7's HRT tag").isEqualTo(0x4854);
            edit.accept(b);
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] img) {
        return assertThatThrownBy(() -> ElfLoader.load(img, "damaged", mem, Layout.IMAGE_MIN))
                .isInstanceOf(HvmException.class)
                .hasMessageStartingWith("damaged: ")
                .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.BAD_INPUT));
    }

    @Test
    void programHeadersPastTheFileAreRefused() {
        refused(exit7(b -> b.putLong(0x20, 0xffffffffL))).hasMessageContaining("e_phoff");
        refused(exit7(b -> b.putLong(0x20, 0x80000040L))).hasMessageContaining("e_phoff");
        refused(exit7(b -> b.putLong(0x20, -8))).hasMessageContaining("e_phoff");
        refused(exit7(b -> b.putShort(0x38, (short) 0xffff))).hasMessageContaining("past the end of the file");
    }

    @Test
    void anOffsetThatWrapsBackIntoTheFileIsNotLoadedFromThere() {
        // 2^32 + 0x40 used to be read as 0x40 (an int cast): the image loaded as if intact
        refused(exit7(b -> b.putLong(0x20, (1L << 32) + PH0))).hasMessageContaining("e_phoff");
    }

    @Test
    void programHeadersSmallerThanElf64OnesAreRefused() {
        refused(exit7(b -> b.putShort(0x36, (short) 8))).hasMessageContaining("e_phentsize");
    }

    @Test
    void segmentsWhoseFileBytesLieOutsideTheFileAreRefused() {
        refused(exit7(b -> b.putLong(PH0 + 8, -8))).hasMessageContaining("segment 0 is truncated");
        refused(exit7(b -> b.putLong(PH0 + 32, -1))).hasMessageContaining("segment 0 is truncated");
        refused(exit7(b -> b.putLong(PH0 + 8, Long.MAX_VALUE))).hasMessageContaining("segment 0 is truncated");
        refused(exit7(b -> b.putLong(PH0 + 32, 0x100000))).hasMessageContaining("segment 0 is truncated");
    }

    @Test
    void moreFileBytesThanMemoryBytesAreRefused() {
        refused(exit7(b -> b.putLong(PH0 + 40, 0x10))).hasMessageContaining("p_filesz");
    }

    @Test
    void aHugeMemorySizeIsRefusedNotWrapped() {
        refused(exit7(b -> b.putLong(PH0 + 40, Long.MAX_VALUE))).hasMessageContaining("does not fit guest memory");
        refused(exit7(b -> b.putLong(PH0 + 40, -0x100000L))).hasMessageContaining("does not fit guest memory");
        refused(exit7(b -> b.putLong(PH0 + 24, -0x1000L))).hasMessageContaining("does not fit guest memory");
    }

    @Test
    void segmentsOverTheVmmsStructuresAreRefused() {
        for (long at : new long[] {0, Layout.PAGE_TABLES, Layout.BOOT_INFO, Layout.COMM, Layout.LOG_RING, Layout.TCB}) {
            refused(exit7(b -> b.putLong(PH0 + 24, at))).hasMessageContaining("does not fit guest memory");
        }
    }

    @Test
    void notAnX86_64Elf64ExecutableIsRefused() {
        refused(exit7(b -> b.put(4, (byte) 1))).hasMessageContaining("ELF64");
        refused(exit7(b -> b.put(5, (byte) 2))).hasMessageContaining("little-endian");
        refused(exit7(b -> b.putShort(0x12, (short) 3))).hasMessageContaining("machine 3");
        refused(exit7(b -> b.putShort(0x10, (short) 3))).hasMessageContaining("ET_EXEC");
        refused(java.util.Arrays.copyOf(exit7(b -> { }), 40)).hasMessageContaining("not an ELF");
    }

    @Test
    void aMultiboot2TagPastTheHeadersEndIsRefused() {
        refused(exit7(b -> b.putInt(HRT_TAG + 4, 0x7ffffff8))).hasMessageContaining("multiboot2 header tag");
        refused(exit7(b -> b.putInt(HRT_TAG + 4, 0x1000))).hasMessageContaining("past the header's end");
    }

    /** Both used to end in OutOfMemoryError (readAllBytes), the device one after reading until the heap was full. */
    @Test
    void anImageFileLargerThanMemoryOrADeviceIsRefusedUnread(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path huge = dir.resolve("huge.elf");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30);                           // sparse: no disk used
        }
        Hvm.Builder b = Hvm.builder().memory(32L << 20).awaitReady(false);
        assertThatThrownBy(() -> b.boot(huge)).isInstanceOf(HvmException.class)
                .hasMessageContaining("huge.elf has 3221225472 bytes, more than the guest memory");
        assertThatThrownBy(() -> b.boot(java.nio.file.Path.of("/dev/zero"))).isInstanceOf(HvmException.class)
                .hasMessageContaining("/dev/zero is not a regular file");
    }

    @Test
    void theIntactImageStillLoads() {
        ElfLoader.Loaded l = ElfLoader.load(exit7(b -> { }), "intact", mem, Layout.IMAGE_MIN);
        assertThat(l.low()).isEqualTo(0x100000);
        assertThat(l.header().supports(1)).isTrue();
    }

    @Test
    void anEntryOutsideTheImageIsRefusedBeforeAnyVcpuRuns() {
        TestGuests.assumeKvm();
        for (long entry : new long[] {0, 0x1000, Layout.COMM, 0x200000, 30L << 20, -1}) {
            byte[] img = exit7(b -> b.putLong(HRT_TAG + 8, entry));
            assertThatThrownBy(() -> Hvm.builder().memory(32L << 20).awaitReady(false).boot(img, "damaged"))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("damaged: the 64-bit entry")
                    .hasMessageContaining("outside the loaded image")
                    .satisfies(e -> assertThat(((HvmException) e).kind()).isEqualTo(HvmException.Kind.BAD_INPUT));
        }
    }

    /** A refused reboot left a VM that said it was alive, with no vCPU running: calls and waits ran into their timeouts. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aRebootWithADamagedImageLeavesTheHvmFailedNotHalfAlive() throws IOException {
        TestGuests.assumeKvm();
        byte[] server = Files.readAllBytes(TestGuests.guest("callserver"));
        byte[] damaged = server.clone();
        ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putLong(0x20, 0xffffffffL);
        try (Hvm h = Hvm.builder().memory(32L << 20).callTimeout(java.time.Duration.ofSeconds(20)).boot(server, "callserver")) {
            assertThat(h.call(HrtFunctions.ECHO, 5)).isEqualTo(5);
            assertThatThrownBy(() -> h.reboot(damaged, "damaged")).hasMessageContaining("damaged: ").hasMessageContaining("e_phoff");
            long t0 = System.nanoTime();
            assertThatThrownBy(h::checkAlive).isInstanceOf(HvmException.class).hasMessageContaining("its reboot failed");
            assertThatThrownBy(() -> h.call(HrtFunctions.ECHO, 6)).hasMessageContaining("its reboot failed");
            assertThatThrownBy(() -> h.awaitExit(java.time.Duration.ofSeconds(20))).hasMessageContaining("its reboot failed");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(5));
            h.reboot(server, "callserver");
            assertThat(h.call(HrtFunctions.ECHO, 7)).isEqualTo(7);
        }
    }

    /** percpu_size is a u32: 2^31 and more read negative and passed the check. */
    @Test
    void aPerCpuAreaLargerThanTheStrideIsRefused() {
        TestGuests.assumeKvm();
        for (int size : new int[] {8192, 0x80000000, -1}) {
            byte[] img = exit7(b -> b.putInt(HRT_TAG + 20, size));
            assertThatThrownBy(() -> Hvm.builder().memory(32L << 20).awaitReady(false).boot(img, "damaged"))
                    .isInstanceOf(HvmException.class)
                    .hasMessageContaining("damaged: per-CPU area of " + Integer.toUnsignedString(size) + " bytes exceeds");
        }
    }

    @Test
    void aSegmentOverTheStacksIsRefused() {
        TestGuests.assumeKvm();
        long mem = 32L << 20;
        byte[] img = exit7(b -> b.putLong(PH0 + 24, mem - 0x1000));
        assertThatThrownBy(() -> Hvm.builder().memory(mem).awaitReady(false).boot(img, "damaged"))
                .isInstanceOf(HvmException.class).hasMessageContaining("damaged: ");
    }
}
