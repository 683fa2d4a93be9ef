/*
 * Builds the guest's page tables with 2 MiB pages: VA == GPA for private RAM, and the merged
 * region at VA == its JVM address backed by a low GPA (a JVM address can exceed the host CPU's
 * physical-address width: 46 bits on many Xeons). The U bit is set at every level because the
 * deprivileged kernel runs at CPL3. Table pages come from a small bump area in low memory.
 * The first 2 MiB can be split into 4 KiB pages with page 0 left out, so NULL faults at once.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;

import org.legionhrt.hvm.HvmException;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** An identity-mapping page-table builder writing into guest RAM. */
public final class PageTables {
    private static final long PRESENT = 1;
    private static final long WRITE = 2;
    private static final long USER = 4;
    private static final long HUGE = 0x80;
    private static final long TABLE = PRESENT | WRITE | USER;
    private static final long ADDR_MASK = 0x000f_ffff_ffff_f000L;
    private static final long PAGE_2M = 2L << 20;
    private static final long PAGE_4K = 4096;

    private static final long GIB = 1L << 30;
    private static final long PDPT_SPAN = 512 * GIB;
    /** Table pages the area holds besides the PML4 (its first page). */
    public static final long CAPACITY = (Layout.PAGE_TABLES_END - Layout.PAGE_TABLES) / PAGE_4K - 1;

    private final MemorySegment ram;
    private long next = Layout.PAGE_TABLES + 0x1000;

    /** Starts a set of tables (PML4 at {@link Layout#PAGE_TABLES}) in fresh, zero {@code ram}. */
    public PageTables(MemorySegment ram) {
        this.ram = ram;
    }

    /**
     * {@return the table pages, at most, that the deprivileged boot takes for {@code ram} bytes of
     * private RAM mapped at 0, the NULL guard's table, and a merged region of {@code merged} bytes
     * (0: none) mapped at an address not known yet (any 2 MiB boundary)} Each GiB touched takes a
     * page directory and each 512 GiB a PDPT; the merged region may straddle one more of each.
     * Known before any memory is mapped, so that a size too large fails at once.
     */
    public static long pagesFor(long ram, long merged) {
        long pages = ceil(ram, GIB) + ceil(ram, PDPT_SPAN) + 1;
        if (merged > 0) {
            pages += ceil(merged, GIB) + 1 + ceil(merged, PDPT_SPAN) + 1;
        }
        return pages;
    }

    /** {@return whether {@link #pagesFor} of these sizes fits the table area} */
    public static boolean fits(long ram, long merged) {
        return pagesFor(ram, merged) <= CAPACITY;
    }

    private static long ceil(long v, long unit) {
        return (v + unit - 1) / unit;
    }

    /** {@return the table pages taken so far, the PML4 not counted (for tests)} */
    long pagesUsed() {
        return (next - Layout.PAGE_TABLES) / PAGE_4K - 1;
    }

    /** {@return the value for CR3} */
    public long root() {
        return Layout.PAGE_TABLES;
    }

    /**
     * Identity-maps [base, base + len) with writable user 2 MiB pages.
     *
     * @throws HvmException (BAD_INPUT) when the range is not 2 MiB aligned or the table area is full
     */
    public void identity(long base, long len) {
        map(base, base, len);
    }

    /**
     * Maps [va, va + len) to guest-physical [gpa, gpa + len) with writable user 2 MiB pages.
     *
     * @throws HvmException (BAD_INPUT) when a bound is not 2 MiB aligned or the table area is full
     */
    public void map(long va, long gpa, long len) {
        if (va % PAGE_2M != 0 || gpa % PAGE_2M != 0 || len % PAGE_2M != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT,
                    String.format("range [%#x, +%#x) -> %#x is not 2 MiB aligned", va, len, gpa));
        }
        for (long off = 0; off < len; off += PAGE_2M) {
            long v = va + off;
            long pdpt = child(Layout.PAGE_TABLES, (v >>> 39) & 511);
            long pd = child(pdpt, (v >>> 30) & 511);
            ram.set(JAVA_LONG, pd + ((v >>> 21) & 511) * 8, (gpa + off) | PRESENT | WRITE | USER | HUGE);
        }
    }

    /**
     * Leaves guest-virtual [0, {@code guard}) unmapped so that a NULL pointer (or a small offset
     * from one) faults at once instead of writing the VMM's structures: the 2 MiB page at VA 0
     * becomes a table of 4 KiB pages, identical to it above {@code guard}. Call after
     * {@link #identity} has mapped VA 0; one more table page.
     *
     * @throws HvmException (BAD_INPUT) when {@code guard} is not a multiple of 4 KiB in (0, 2 MiB),
     *                      VA 0 is not mapped with a 2 MiB page, or the table area is full
     */
    public void unmapLowPages(long guard) {
        if (guard <= 0 || guard >= PAGE_2M || guard % PAGE_4K != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT,
                    String.format("NULL guard of %#x bytes is not 4 KiB pages below 2 MiB", guard));
        }
        long pt = split(0);
        for (long off = 0; off < guard; off += PAGE_4K) {
            ram.set(JAVA_LONG, pt + (off / PAGE_4K) * 8, 0);
        }
    }

    /**
     * Maps the arena's 2 MiB pages (identity-mapped already) with 4 KiB pages and leaves each
     * slot's guard page out (see {@link StackArena}); one more table page per 2 MiB.
     *
     * @throws HvmException (BAD_INPUT) when a page of the arena is not mapped with a 2 MiB page,
     *                      or the table area is full
     */
    public void guardStacks(StackArena a) {
        for (long va = a.base(); va < a.base() + a.len(); va += PAGE_2M) {
            split(va);
        }
        for (int i = 0; i < a.slots(); i++) {
            long slot = a.base() + i * StackArena.SLOT;
            for (long va = slot; va < slot + StackArena.GUARD; va += PAGE_4K) {
                ram.set(JAVA_LONG, pte(va), 0);
            }
        }
    }

    /** Replaces the 2 MiB page at {@code va} by a table of 4 KiB pages that map the same; {@return the table} */
    private long split(long va) {
        long pd = child(child(Layout.PAGE_TABLES, (va >>> 39) & 511), (va >>> 30) & 511);
        long at = pd + ((va >>> 21) & 511) * 8;
        long big = ram.get(JAVA_LONG, at);
        if ((big & (PRESENT | HUGE)) != (PRESENT | HUGE)) {
            throw new HvmException(HvmException.Kind.BAD_INPUT,
                    String.format("VA %#x is not mapped by a 2 MiB page: map it first", va & -PAGE_2M));
        }
        long pt = take();
        long base = big & ADDR_MASK & ~(PAGE_2M - 1);
        long flags = big & (PRESENT | WRITE | USER);
        for (long off = 0; off < PAGE_2M; off += PAGE_4K) {
            ram.set(JAVA_LONG, pt + (off / PAGE_4K) * 8, (base + off) | flags);
        }
        ram.set(JAVA_LONG, at, pt | TABLE);
        return pt;
    }

    /** {@return where the 4 KiB entry of {@code va} lies (its 2 MiB page split already)} */
    private long pte(long va) {
        long pd = child(child(Layout.PAGE_TABLES, (va >>> 39) & 511), (va >>> 30) & 511);
        long pt = ram.get(JAVA_LONG, pd + ((va >>> 21) & 511) * 8) & ADDR_MASK;
        return pt + ((va >>> 12) & 511) * 8;
    }

    /**
     * Makes guest-virtual [from, to) read-only (below 2 MiB, after {@link #unmapLowPages}): the
     * guest runs at CPL3, where a write to a page without the R/W bit faults, so a stray store
     * into the VMM's page tables or descriptor tables ends the VM at once instead of corrupting
     * the translation of everything after it. The CPU's own page walks go by physical address
     * and are not affected.
     *
     * @throws HvmException (BAD_INPUT) when the range is not 4 KiB pages inside (0, 2 MiB) or
     *                      the first 2 MiB are not split into 4 KiB pages yet
     */
    public void readOnly(long from, long to) {
        if (from <= 0 || to > PAGE_2M || from >= to || from % PAGE_4K != 0 || to % PAGE_4K != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT,
                    String.format("read-only range [%#x, %#x) is not 4 KiB pages below 2 MiB", from, to));
        }
        long pd = child(child(Layout.PAGE_TABLES, 0), 0);
        long e = ram.get(JAVA_LONG, pd);
        if ((e & (PRESENT | HUGE)) != PRESENT) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "the first 2 MiB are not mapped with 4 KiB pages: unmapLowPages first");
        }
        long pt = e & ADDR_MASK;
        for (long va = from; va < to; va += PAGE_4K) {
            long at = pt + (va / PAGE_4K) * 8;
            ram.set(JAVA_LONG, at, ram.get(JAVA_LONG, at) & ~WRITE);
        }
    }

    private long child(long table, long index) {
        long at = table + index * 8;
        long e = ram.get(JAVA_LONG, at);
        if (e != 0) {
            return e & ADDR_MASK;
        }
        long page = take();
        ram.set(JAVA_LONG, at, page | TABLE);
        return page;
    }

    /** Takes the next zero page of the table area. */
    private long take() {
        if (next >= Layout.PAGE_TABLES_END) {
            throw new HvmException(HvmException.Kind.BAD_INPUT,
                    "page-table area full: lower --mem or --merged (each GiB needs one table page)");
        }
        long page = next;
        next += PAGE_4K;
        return page;
    }
}
