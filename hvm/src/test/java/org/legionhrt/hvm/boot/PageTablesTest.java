/*
 * The deprivileged guest's page tables, walked without KVM: private RAM is identity-mapped,
 * the merged region maps its JVM address to a low guest-physical range (a JVM address does not
 * fit the 46 physical-address bits of many hosts), every level carries the U bit.
 */
package org.legionhrt.hvm.boot;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.legionhrt.hvm.HvmException;

class PageTablesTest {
    private static final long P = 1, W = 2, U = 4, HUGE = 0x80, MASK = 0x000f_ffff_ffff_f000L;

    /** Walks the tables for {@code va}; returns the 2 MiB leaf entry, or 0 when unmapped. */
    private static long leaf(MemorySegment ram, long root, long va) {
        long table = root;
        for (int shift = 39; shift >= 30; shift -= 9) {
            long e = ram.get(JAVA_LONG, table + ((va >>> shift) & 511) * 8);
            if ((e & P) == 0) {
                return 0;
            }
            assertThat(e & (W | U)).as("table entry flags").isEqualTo(W | U);
            table = e & MASK;
        }
        return ram.get(JAVA_LONG, table + ((va >>> 21) & 511) * 8);
    }

    @Test
    void privateRamIsIdentityAndTheMergedRegionMapsToItsLowGpa() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = a.allocate(Layout.PAGE_TABLES_END, 4096);
            PageTables pt = new PageTables(ram);
            long jvm = 0x7f44_cbe0_0000L, gpa = 4L << 30;
            pt.identity(0, 8L << 20);
            pt.map(jvm, gpa, 6L << 20);
            for (long off = 0; off < (8L << 20); off += 2L << 20) {
                assertThat(leaf(ram, pt.root(), off)).isEqualTo(off | P | W | U | HUGE);
            }
            for (long off = 0; off < (6L << 20); off += 2L << 20) {
                long e = leaf(ram, pt.root(), jvm + off);
                assertThat(e & MASK).isEqualTo(gpa + off);
                assertThat(e & MASK).isLessThan(1L << 46);
                assertThat(e & ~MASK).isEqualTo(P | W | U | HUGE);
            }
            assertThat(leaf(ram, pt.root(), jvm + (6L << 20))).isZero();
        }
    }

    @Test
    void theNullGuardLeavesPageZeroOutAndMapsTheRestOfTheFirst2MibAsBefore() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = a.allocate(Layout.PAGE_TABLES_END, 4096);
            PageTables pt = new PageTables(ram);
            pt.identity(0, 8L << 20);
            pt.unmapLowPages(Layout.NULL_GUARD);
            long pde = leaf(ram, pt.root(), 0);
            assertThat(pde & (P | W | U | HUGE)).as("PD entry 0 now points to a 4 KiB table").isEqualTo(P | W | U);
            long table = pde & MASK;
            assertThat(table).isBetween(Layout.PAGE_TABLES, Layout.PAGE_TABLES_END - 4096);
            assertThat(ram.get(JAVA_LONG, table)).as("page 0").isZero();
            for (long va = Layout.NULL_GUARD; va < (2L << 20); va += 4096) {
                assertThat(smallPage(ram, table, va)).isEqualTo(va | P | W | U);
            }
            for (long off = 2L << 20; off < (8L << 20); off += 2L << 20) {
                assertThat(leaf(ram, pt.root(), off)).isEqualTo(off | P | W | U | HUGE);
            }
        }
    }

    @Test
    void theVmmsTablesAreReadOnlyAndNothingElse() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = a.allocate(Layout.PAGE_TABLES_END, 4096);
            PageTables pt = new PageTables(ram);
            pt.identity(0, 4L << 20);
            assertThatThrownBy(() -> pt.readOnly(Layout.PAGE_TABLES, Layout.READ_ONLY_END))
                    .isInstanceOf(HvmException.class).hasMessageContaining("unmapLowPages first");
            pt.unmapLowPages(Layout.NULL_GUARD);
            pt.readOnly(Layout.PAGE_TABLES, Layout.READ_ONLY_END);
            long table = leaf(ram, pt.root(), 0) & MASK;
            for (long va = Layout.NULL_GUARD; va < (2L << 20); va += 4096) {
                long want = va < Layout.READ_ONLY_END ? va | P | U : va | P | W | U;
                assertThat(smallPage(ram, table, va)).as("page %#x", va).isEqualTo(want);
            }
            assertThat(leaf(ram, pt.root(), 2L << 20)).isEqualTo((2L << 20) | P | W | U | HUGE);
            assertThatThrownBy(() -> pt.readOnly(0, 0x2000)).hasMessageContaining("not 4 KiB pages below 2 MiB");
            assertThatThrownBy(() -> pt.readOnly(0x1000, 0x1800)).hasMessageContaining("not 4 KiB pages below 2 MiB");
            assertThatThrownBy(() -> pt.readOnly(0x1000, 4L << 20)).hasMessageContaining("not 4 KiB pages below 2 MiB");
        }
    }

    @Test
    void badNullGuardsAreRefused() {
        try (Arena a = Arena.ofConfined()) {
            PageTables pt = new PageTables(a.allocate(Layout.PAGE_TABLES_END, 4096));
            assertThatThrownBy(() -> pt.unmapLowPages(Layout.NULL_GUARD)).hasMessageContaining("map it first");
            pt.identity(0, 2L << 20);
            assertThatThrownBy(() -> pt.unmapLowPages(100)).hasMessageContaining("NULL guard");
            assertThatThrownBy(() -> pt.unmapLowPages(2L << 20)).hasMessageContaining("NULL guard");
        }
    }

    @Test
    void misalignedRangesAreRefused() {
        try (Arena a = Arena.ofConfined()) {
            PageTables pt = new PageTables(a.allocate(Layout.PAGE_TABLES_END, 4096));
            assertThatThrownBy(() -> pt.map(0x7f00_0000_1000L, 4L << 30, 2L << 20))
                    .isInstanceOf(HvmException.class).hasMessageContaining("not 2 MiB aligned");
            assertThatThrownBy(() -> pt.map(0x7f00_0000_0000L, (4L << 30) + 4096, 2L << 20))
                    .isInstanceOf(HvmException.class).hasMessageContaining("not 2 MiB aligned");
        }
    }

    /**
     * Guarded stacks: the arena's 2 MiB pages become 4 KiB tables that map the same memory,
     * except each slot's guard page; RAM on either side keeps its 2 MiB pages.
     */
    @Test
    void guardedStacksMapEverySlotButItsGuardPage() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = a.allocate(Layout.PAGE_TABLES_END, 4096);
            PageTables pt = new PageTables(ram);
            long mem = 256L << 20;
            pt.identity(0, mem);
            pt.unmapLowPages(Layout.NULL_GUARD);
            StackArena arena = StackArena.plan(mem, 4L << 20, mem - (64L << 10), PageTables.CAPACITY - PageTables.pagesFor(mem, 0));
            assertThat(arena).isNotNull();
            assertThat(arena.slots()).isEqualTo((int) (arena.len() / StackArena.SLOT)).isBetween(16, StackArena.MAX_SLOTS + 1);
            assertThat(arena.base() + arena.len()).isEqualTo(mem - (2L << 20));   // the 2 MiB below the CPUs' stacks stay RAM
            long before = pt.pagesUsed();
            pt.guardStacks(arena);
            assertThat(pt.pagesUsed() - before).isEqualTo(arena.len() >> 21);
            long root = pt.root();
            for (int i = 0; i < arena.slots(); i++) {
                long slot = arena.base() + i * StackArena.SLOT;
                assertThat(arena.guardSlotOf(slot + 8)).isEqualTo(i);
                assertThat(page(ram, root, slot)).as("guard of slot %d", i).isZero();
                assertThat(page(ram, root, slot + StackArena.GUARD) & ~0xfffL).isEqualTo(slot + StackArena.GUARD);
                assertThat(page(ram, root, slot + StackArena.SLOT - 1) & ~0xfffL).isEqualTo(slot + StackArena.SLOT - 4096);
                assertThat(arena.guardSlotOf(slot + StackArena.GUARD)).isEqualTo(-1);
            }
            assertThat(leaf(ram, root, arena.base() - 1) & HUGE).isEqualTo(HUGE);
            assertThat(leaf(ram, root, arena.base() + arena.len()) & HUGE).isEqualTo(HUGE);
            assertThat(arena.guardSlotOf(arena.base() - 8)).isEqualTo(-1);
        }
    }

    /** No arena where RAM is too small for two slots besides what the kernel keeps, or the tables have no room. */
    @Test
    void theArenaShrinksToWhatRamAndTablesAllow() {
        assertThat(StackArena.plan(18L << 20, 2L << 20, 18L << 20, 40)).isNull();
        StackArena small = StackArena.plan(64L << 20, 2L << 20, 64L << 20, 40);
        assertThat(small).isNotNull();
        assertThat(small.slots()).isBetween(2, 8);
        assertThat(StackArena.plan(512L << 20, 2L << 20, 512L << 20, 1)).isNull();
        assertThat(StackArena.plan(512L << 20, 2L << 20, 512L << 20, 5).slots()).isBetween(2, 10);
    }

    /** {@return the 4 KiB entry for {@code va} under a split 2 MiB page, or 0 when unmapped} */
    private static long page(MemorySegment ram, long root, long va) {
        long e = leaf(ram, root, va);
        assertThat(e & HUGE).as("%#x is under a 4 KiB table", va).isZero();
        return ram.get(JAVA_LONG, (e & MASK) + ((va >>> 12) & 511) * 8);
    }

    /** {@return the 4 KiB entry for {@code va} (below 2 MiB) in the first 2 MiB's page table} */
    private static long smallPage(MemorySegment ram, long table, long va) {
        return ram.get(JAVA_LONG, table + (va >>> 12) * 8);
    }

    /**
     * pagesFor bounds what the boot's tables take, wherever the merged region lands (across a
     * GiB and a 512 GiB boundary too), and the largest sizes it lets through do fit the area.
     */
    @Test
    void pagesForBoundsTheTablesOfEveryMergedPlacement() {
        long gib = 1L << 30;
        long[][] sizes = {{512L << 20, 1600L << 20}, {3 * gib, 5 * gib + (2L << 20)}, {20 * gib, 32 * gib}};
        long[] places = {0x7f44_cbe0_0000L, 0x7f44_c000_0000L - (2L << 20), 0x7f80_0000_0000L - (2L << 20)};
        try (Arena a = Arena.ofConfined()) {
            for (long[] s : sizes) {
                for (long va : places) {
                    MemorySegment ram = a.allocate(Layout.PAGE_TABLES_END, 4096);
                    PageTables pt = new PageTables(ram);
                    pt.identity(0, s[0]);
                    pt.unmapLowPages(Layout.NULL_GUARD);
                    pt.map(va, 4L << 30, s[1]);
                    assertThat(pt.pagesUsed()).as("%d + %d bytes at %#x", s[0], s[1], va)
                            .isLessThanOrEqualTo(PageTables.pagesFor(s[0], s[1]));
                }
            }
        }
        assertThat(PageTables.fits(20 * gib, 32 * gib)).isTrue();
        assertThat(PageTables.fits(1024 * gib, 1536 * gib)).isFalse();
        assertThat(PageTables.fits(30 * gib, 46 * gib)).isFalse();
    }
}
