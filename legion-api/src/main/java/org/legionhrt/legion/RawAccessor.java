package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Byte-level access to one field of any type (structs, points) of a {@link PhysicalRegion}:
 * the element of a point as a {@link MemorySegment} slice, or its offset in the field's
 * segment. Point fields can be read and written as {@link Point}s.
 */
public final class RawAccessor {
    private final AccessorView v;
    private final long org;
    private final boolean writable;

    RawAccessor(AccessorView v) {
        this.v = v;
        this.org = v.origin();
        this.writable = v.mode() == Privilege.Mode.READ_WRITE || v.mode() == Privilege.Mode.WRITE_DISCARD;
    }

    /** {@return the element at point p (read-only unless the privilege allows writes)} */
    public MemorySegment at(Point p) {
        MemorySegment s = v.seg().asSlice(offset(p), v.fieldSize());
        return writable ? s : s.asReadOnly();
    }

    /**
     * {@return the byte offset of point p in {@link #segment()}} @throws IndexOutOfBoundsException
     * outside the bounds, or outside the region where it is sparse
     */
    public long offset(Point p) {
        if (p.dim() != v.dim()) {
            throw new LegionException("a " + p.dim() + "-D point for a " + v.dim() + "-D accessor of " + v.field());
        }
        long[] lo = {v.lo0(), v.lo1(), v.lo2()};
        long[] ext = {v.ext0(), v.ext1(), v.ext2()};
        long[] st = {v.s0(), v.s1(), v.s2()};
        long o = org;
        for (int d = 0; d < p.dim(); d++) {
            long i = p.coord(d) - lo[d];
            if (Long.compareUnsigned(i, ext[d]) >= 0) {
                throw new IndexOutOfBoundsException("point " + p + " is outside " + v.bounds() + " of " + v.field());
            }
            o += i * st[d];
        }
        Membership m = v.members();
        if (m != null && !m.contains(p.coord(0), p.dim() > 1 ? p.coord(1) : 0, p.dim() > 2 ? p.coord(2) : 0)) {
            throw v.notInRegion(p.toString());
        }
        return o;
    }

    /** {@return the whole field's memory (read-only unless writable)} */
    public MemorySegment segment() {
        return writable ? v.seg() : v.seg().asReadOnly();
    }

    /** {@return the element size in bytes} */
    public int elementSize() {
        return v.fieldSize();
    }

    /** {@return the point stored at p in a POINT field} */
    public Point getPoint(Point p) {
        int d = v.field().type().dims();
        if (d == 0) {
            throw new LegionException(v.field() + " is not a point field");
        }
        if (v.mode() == Privilege.Mode.REDUCE) {
            throw new LegionException("cannot read " + v.field() + " through a REDUCE accessor");
        }
        long o = offset(p);
        long[] c = new long[d];
        for (int i = 0; i < d; i++) {
            c[i] = v.seg().get(JAVA_LONG_UNALIGNED, o + 8L * i);
        }
        return Point.of(c);
    }

    /** Stores point {@code q} at p in a POINT field. */
    public void setPoint(Point p, Point q) {
        if (!writable) {
            throw new LegionException("cannot write " + v.field() + " through a " + v.mode() + " accessor");
        }
        if (q.dim() != v.field().type().dims()) {
            throw new LegionException("a " + q.dim() + "-D point in " + v.field());
        }
        long o = offset(p);
        for (int i = 0; i < q.dim(); i++) {
            v.seg().set(JAVA_LONG_UNALIGNED, o + 8L * i, q.coord(i));
        }
    }

    /** {@return the bounds the accessor may touch, null when empty} */
    public Rect bounds() {
        return v.bounds();
    }
}
