/*
 * Guarded stacks for the deprivileged kernel (HRT_REGION_STACKS in nautilus/include/hrt/boot.h):
 * slots at the top of private RAM, each mapped with 4 KiB pages and its lowest page left out, so
 * a thread that runs off the deep end of a stack there faults at once (CR2 in that page) instead
 * of overwriting what lies below. The kernel cannot make such holes itself: it may not touch
 * its page tables (read-only to it) nor flush the TLB.
 */
package org.legionhrt.hvm.boot;

/**
 * Where the guarded stacks lie: {@code slots} slots of {@link #SLOT} bytes from {@code base},
 * inside [{@code base}, {@code base + len}) (2 MiB aligned).
 *
 * @param base  the first slot's guard page
 * @param len   bytes of the region (whole 2 MiB pages)
 * @param slots slots the kernel will find (len / SLOT)
 */
public record StackArena(long base, long len, int slots) {
    /** HRT_STACK_GUARD: the unmapped bytes at the bottom of each slot. */
    public static final long GUARD = 0x1000;
    /** HRT_STACK_SLOT: a slot, its guard page and a 1 MiB stack above it. */
    public static final long SLOT = (1L << 20) + GUARD;
    /** Slots at most: the runtime's threads (a worker per HRT CPU and a few more) fit. */
    public static final int MAX_SLOTS = 32;
    private static final long PAGE_2M = 2L << 20;
    /** Private RAM the kernel keeps for its allocator whatever the arena takes (NK_MIN_MEM + slack). */
    private static final long KEEP = 24L << 20;

    /**
     * {@return the arena for {@code ram} bytes of private RAM whose allocatable part is
     * [{@code ramStart}, {@code ramEnd}), with {@code tablePages} page-table pages to spare,
     * or null when there is no room for two slots} An eighth of RAM at most, and never what the
     * kernel needs for itself.
     */
    public static StackArena plan(long ram, long ramStart, long ramEnd, long tablePages) {
        long top = ramEnd & -PAGE_2M;
        int n = (int) Math.min(MAX_SLOTS, ram / 8 / SLOT);
        while (n >= 2) {
            long base = (top - n * SLOT) & -PAGE_2M;
            long tables = (top - base) / PAGE_2M;
            if (base >= ramStart + KEEP && tables <= tablePages) {
                return new StackArena(base, top - base, (int) ((top - base) / SLOT));
            }
            n--;
        }
        return null;
    }

    /** {@return the slot whose guard page holds {@code va}, or -1} */
    public int guardSlotOf(long va) {
        long off = va - base;
        if (off < 0 || off >= (long) slots * SLOT || off % SLOT >= GUARD) {
            return -1;
        }
        return (int) (off / SLOT);
    }
}
