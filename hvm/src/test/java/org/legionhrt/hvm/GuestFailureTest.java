/*
 * Failure containment against deliberately broken guests and bad input: each ends in an
 * HvmException of the right kind with the vCPU state and console lines, every vCPU stops,
 * and the same JVM boots again.
 */
package org.legionhrt.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestFailureTest {
    @BeforeAll
    static void kvm() {
        TestGuests.assumeKvm();
    }

    private static Hvm.Builder builder() {
        return Hvm.builder().memory(32L << 20).awaitReady(false);
    }

    /**
     * Runs {@code guest} with command line {@code mode}; {@return its failure, checked to be a
     * triple fault that began as a page fault at {@code at}, with {@code rbx} = the marker its
     * faulting instruction's asm set}
     */
    private static HvmException pageFault(String guest, String mode, long at, long rbx) {
        HvmException e = run(guest, builder().cmdline(mode), Duration.ofSeconds(10));
        assertThat(e.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
        assertThat(e.state()).isPresent();
        assertThat(e.state().get().cr2()).isEqualTo(at);
        assertThat(e.state().get().gprs()[1]).isEqualTo(rbx);
        return e;
    }

    private static HvmException run(String guest, Hvm.Builder b, Duration timeout) {
        try (Hvm h = b.boot(TestGuests.guest(guest))) {
            h.awaitExit(timeout);
        } catch (HvmException e) {
            return e;
        }
        throw new AssertionError(guest + " did not fail");
    }

    @Test
    void tripleFaultReportsRipRegistersAndVcpu() {
        HvmException e = run("fault", builder(), Duration.ofSeconds(10));
        assertThat(e.kind()).isEqualTo(HvmException.Kind.SHUTDOWN);
        assertThat(e.state()).isPresent();
        assertThat(e.state().get().cpu()).isZero();
        assertThat(e.state().get().gprs()[1]).isEqualTo(0x1234abcdL);   // rbx set just before hlt
        assertThat(e.state().get().rip()).isBetween(0x100000L, 0x101000L);
        assertThat(e.console()).contains("about to fault");
        assertThat(e.getMessage()).contains("vCPU 0").contains("rip=").contains("rip in guest_main+0x");
    }

    @ParameterizedTest
    @CsvSource({"read, 0x18, reading through NULL", "write, 0x0, writing through NULL"})
    void nullDereferenceFaultsAtOnceWithTheAddress(String mode, String address, String line) {
        long at = Long.decode(address);
        HvmException e = pageFault("nullptr", mode, at, 0x6e756c6cL);
        assertThat(e.state().get().rip()).isBetween(0x100000L, 0x101000L);
        assertThat(e.reason()).contains(String.format("page fault at %#x (a NULL pointer", at))
                .contains("rip in guest_main+0x");
        assertThat(e.console()).contains(line).doesNotContain("NULL access did not fault");
    }

    @ParameterizedTest
    @CsvSource({"pagetable, 0x1000", "gdt, 0x41008"})
    void aStrayWriteIntoTheVmmsTablesFaultsAtItsAddress(String mode, String address) {
        long at = Long.decode(address);
        HvmException e = pageFault("wildwrite", mode, at, 0x77696c64L);
        assertThat(e.reason()).contains(String.format("page fault at %#x (the VMM's page tables, GDT and TSS: read-only", at));
        assertThat(e.console()).contains("read the VMM's structure").doesNotContain("did not fault");
    }

    @Test
    void aFaultOtherThanAPageFaultNamesNoAddress() {
        HvmException e = run("fault", builder(), Duration.ofSeconds(10));
        assertThat(e.reason()).doesNotContain("page fault");
    }

    @Test
    void spinningGuestTimesOutWithItsState() {
        HvmException e = run("spin", builder().cores(2), Duration.ofMillis(1500));
        assertThat(e.kind()).isEqualTo(HvmException.Kind.TIMEOUT);
        assertThat(e.state()).isPresent();
        assertThat(e.getMessage()).contains("vCPU 0: rip=").contains("vCPU 1: rip=");
        assertThat(e.console()).contains("spinning forever");
    }

    /**
     * halt() from another thread (the watchdog's) while the owner waits for the exit: the wait
     * ended with the vCPUs' stop, before halt had recorded its failure, and returned -1 as if
     * the kernel had stopped on its own.
     */
    @Test
    void aHaltEndsAnAwaitExitWithTheFailureNotAnExitCode() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (Hvm h = builder().cores(2).boot(TestGuests.guest("spin"))) {
                Thread t = Thread.ofPlatform().start(() -> h.halt("stopped from outside", 1));
                assertThatThrownBy(() -> h.awaitExit(Duration.ofSeconds(10)))
                        .isInstanceOf(HvmException.class).hasMessageContaining("stopped from outside");
                t.join();
            }
        }
    }

    @Test
    void panicPortReportsTheMessage() {
        HvmException e = run("panic", builder(), Duration.ofSeconds(10));
        assertThat(e.kind()).isEqualTo(HvmException.Kind.PANIC);
        assertThat(e.getMessage()).contains("test panic: the guest gave up");
    }

    @Test
    void unknownPortIsAnUnexpectedExit() {
        HvmException e = run("badport", builder(), Duration.ofSeconds(10));
        assertThat(e.kind()).isEqualTo(HvmException.Kind.UNEXPECTED_EXIT);
        assertThat(e.getMessage()).contains("port 0x1234");
    }

    @Test
    void badImagesAreRefusedWithTheReason(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path text = dir.resolve("notelf");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> builder().boot(text)).isInstanceOf(HvmException.class).hasMessageContaining("not an ELF");
        assertThatThrownBy(() -> builder().boot(dir.resolve("missing"))).hasMessageContaining("cannot read");
        byte[] noHeader = Files.readAllBytes(TestGuests.guest("exit7"));
        for (int i = 0; i < 32768 && i + 4 <= noHeader.length; i++) {
            if ((noHeader[i] & 0xff) == 0xd6 && (noHeader[i + 1] & 0xff) == 0x50 && (noHeader[i + 2] & 0xff) == 0x52) {
                noHeader[i] = 0;
            }
        }
        assertThatThrownBy(() -> builder().boot(noHeader, "nohdr")).hasMessageContaining("no multiboot2 header");
    }

    @Test
    void badSizesAreRefused() {
        Path g = TestGuests.guest("exit7");
        assertThatThrownBy(() -> builder().memory(3L << 20).boot(g)).hasMessageContaining("at least 16 MiB");
        assertThatThrownBy(() -> builder().memory((32L << 20) + 4096).boot(g)).hasMessageContaining("multiple of 2 MiB");
        assertThatThrownBy(() -> builder().merged(12345).boot(g)).hasMessageContaining("merged region");
        assertThatThrownBy(() -> builder().cores(0).boot(g)).hasMessageContaining("cores");
        assertThatThrownBy(() -> builder().cores(65).boot(g)).hasMessageContaining("cores");
        assertThatThrownBy(() -> builder().profile(Hvm.Profile.RING0).boot(g)).hasMessageContaining("ring0");
    }

    @Test
    void imageLargerThanMemoryIsRefused() {
        byte[] big = TestGuests.bigImage();
        assertThatThrownBy(() -> builder().memory(16L << 20).boot(big, "big")).hasMessageContaining("raise --mem");
    }

    @Test
    void theJvmBootsAgainAfterEachFailure() {
        run("fault", builder(), Duration.ofSeconds(10));
        try (Hvm h = builder().boot(TestGuests.guest("exit7"))) {
            assertThat(h.awaitExit(Duration.ofSeconds(10))).isEqualTo(7);
        }
    }
}
