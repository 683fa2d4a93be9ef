package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Typed access to one int field of a {@link PhysicalRegion}: {@code get}/{@code set} by
 * coordinates or {@link Point}, {@code reduce} under a REDUCE privilege, and bulk forms. Every
 * access checks the point against the region's bounds and the privilege (writes through a
 * READ_ONLY accessor throw); the address arithmetic uses only final long fields, so the JIT
 * hoists it out of hot loops and nothing is allocated per access.
 */
public final class IntAccessor {
    private final MemorySegment seg;
    private final int dim;
    private final long org;
    private final long lo0;
    private final long lo1;
    private final long lo2;
    private final long ext0;
    private final long ext1;
    private final long ext2;
    private final long s0;
    private final long s1;
    private final long s2;
    private final boolean readable;
    private final boolean writable;
    private final ReductionOp<?> redop;
    private final AccessorView view;

    IntAccessor(AccessorView v, ReductionOp<?> redop) {
        this.view = v;
        this.seg = v.seg();
        this.dim = v.dim();
        this.org = v.origin();
        this.lo0 = v.lo0();
        this.lo1 = v.lo1();
        this.lo2 = v.lo2();
        this.ext0 = v.ext0();
        this.ext1 = v.ext1();
        this.ext2 = v.ext2();
        this.s0 = v.s0();
        this.s1 = v.s1();
        this.s2 = v.s2();
        this.readable = v.mode() != Privilege.Mode.REDUCE;
        this.writable = v.mode() == Privilege.Mode.READ_WRITE || v.mode() == Privilege.Mode.WRITE_DISCARD;
        this.redop = redop;
    }

    /** {@return the value at 1-D point x} */
    public int get(long x) {
        if (!readable) {
            throw denied("read");
        }
        return seg.get(JAVA_INT_UNALIGNED, off(x));
    }

    /** {@return the value at 2-D point (x, y)} */
    public int get(long x, long y) {
        if (!readable) {
            throw denied("read");
        }
        return seg.get(JAVA_INT_UNALIGNED, off(x, y));
    }

    /** {@return the value at 3-D point (x, y, z)} */
    public int get(long x, long y, long z) {
        if (!readable) {
            throw denied("read");
        }
        return seg.get(JAVA_INT_UNALIGNED, off(x, y, z));
    }

    /** {@return the value at point p} */
    public int get(Point p) {
        if (!readable) {
            throw denied("read");
        }
        return seg.get(JAVA_INT_UNALIGNED, off(p));
    }

    /** Sets the value at 1-D point x. */
    public void set(long x, int v) {
        if (!writable) {
            throw denied("write");
        }
        seg.set(JAVA_INT_UNALIGNED, off(x), v);
    }

    /** Sets the value at 2-D point (x, y). */
    public void set(long x, long y, int v) {
        if (!writable) {
            throw denied("write");
        }
        seg.set(JAVA_INT_UNALIGNED, off(x, y), v);
    }

    /** Sets the value at 3-D point (x, y, z). */
    public void set(long x, long y, long z, int v) {
        if (!writable) {
            throw denied("write");
        }
        seg.set(JAVA_INT_UNALIGNED, off(x, y, z), v);
    }

    /** Sets the value at point p. */
    public void set(Point p, int v) {
        if (!writable) {
            throw denied("write");
        }
        seg.set(JAVA_INT_UNALIGNED, off(p), v);
    }

    /** Folds {@code v} into the value at 1-D point x with the requirement's reduction operator. */
    public void reduce(long x, int v) {
        long o = off(x);
        seg.set(JAVA_INT_UNALIGNED, o, fold(seg.get(JAVA_INT_UNALIGNED, o), v));
    }

    /** Folds {@code v} into the value at point p with the requirement's reduction operator. */
    public void reduce(Point p, int v) {
        long o = off(p);
        seg.set(JAVA_INT_UNALIGNED, o, fold(seg.get(JAVA_INT_UNALIGNED, o), v));
    }

    private int fold(int old, int v) {
        if (redop == null) {
            throw denied("reduce");
        }
        return (int) redop.applyLong(old, v);
    }

    /** Sets every point of the bounds to {@code v}. */
    public void fill(int v) {
        if (!writable) {
            throw denied("write");
        }
        for (long z = 0; z < ext2; z++) {
            for (long y = 0; y < ext1; y++) {
                long row = org + y * s1 + z * s2;
                for (long x = 0; x < ext0; x++) {
                    seg.set(JAVA_INT_UNALIGNED, row + x * s0, v);
                }
            }
        }
    }

    /** Copies {@code len} values of 1-D points x0, x0+1, … into {@code dst[off…]}. */
    public void read(long x0, int[] dst, int off, int len) {
        if (!readable) {
            throw denied("read");
        }
        if (len == 0) {
            return;
        }
        long o = off(x0);
        off(x0 + len - 1);
        if (s0 == 4) {
            MemorySegment.copy(seg, JAVA_INT_UNALIGNED, o, dst, off, len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = seg.get(JAVA_INT_UNALIGNED, o + i * s0);
            }
        }
    }

    /** Copies {@code src[off…off+len)} into 1-D points x0, x0+1, …. */
    public void write(long x0, int[] src, int off, int len) {
        if (!writable) {
            throw denied("write");
        }
        if (len == 0) {
            return;
        }
        long o = off(x0);
        off(x0 + len - 1);
        if (s0 == 4) {
            MemorySegment.copy(src, off, seg, JAVA_INT_UNALIGNED, o, len);
        } else {
            for (int i = 0; i < len; i++) {
                seg.set(JAVA_INT_UNALIGNED, o + i * s0, src[off + i]);
            }
        }
    }

    /** {@return every value of the bounds, dimension 0 fastest} */
    public int[] toArray() {
        if (!readable) {
            throw denied("read");
        }
        int[] out = new int[Math.toIntExact(ext0 * ext1 * ext2)];
        int i = 0;
        for (long z = 0; z < ext2; z++) {
            for (long y = 0; y < ext1; y++) {
                long row = org + y * s1 + z * s2;
                for (long x = 0; x < ext0; x++) {
                    out[i++] = seg.get(JAVA_INT_UNALIGNED, row + x * s0);
                }
            }
        }
        return out;
    }

    /** {@return the bounding rectangle the accessor may touch, null when empty} */
    public Rect bounds() {
        return view.bounds();
    }

    /** {@return the privilege mode the accessor was created with} */
    public Privilege.Mode mode() {
        return view.mode();
    }

    /**
     * {@return the raw memory of the field (read-only unless writable), for vectorised loops;
     * element (x, y, z) is at {@link #offset(long, long, long)}}
     */
    public MemorySegment segment() {
        return writable ? seg : seg.asReadOnly();
    }

    /** {@return the byte offset of point (x, y, z) in {@link #segment()} (unused coordinates 0)} */
    public long offset(long x, long y, long z) {
        return switch (dim) {
            case 1 -> off(x);
            case 2 -> off(x, y);
            default -> off(x, y, z);
        };
    }

    private long off(long x) {
        long i = x - lo0;
        if (dim != 1 || Long.compareUnsigned(i, ext0) >= 0) {
            throw outside(x, 0, 0, 1);
        }
        return org + i * s0;
    }

    private long off(long x, long y) {
        long i = x - lo0;
        long j = y - lo1;
        if (dim != 2 || Long.compareUnsigned(i, ext0) >= 0 || Long.compareUnsigned(j, ext1) >= 0) {
            throw outside(x, y, 0, 2);
        }
        return org + i * s0 + j * s1;
    }

    private long off(long x, long y, long z) {
        long i = x - lo0;
        long j = y - lo1;
        long k = z - lo2;
        if (dim != 3 || Long.compareUnsigned(i, ext0) >= 0 || Long.compareUnsigned(j, ext1) >= 0
                || Long.compareUnsigned(k, ext2) >= 0) {
            throw outside(x, y, z, 3);
        }
        return org + i * s0 + j * s1 + k * s2;
    }

    private long off(Point p) {
        return switch (p) {
            case Point1 q -> off(q.x());
            case Point2 q -> off(q.x(), q.y());
            case Point3 q -> off(q.x(), q.y(), q.z());
        };
    }

    private RuntimeException outside(long x, long y, long z, int d) {
        if (d != dim) {
            return new LegionException("a " + d + "-D point for a " + dim + "-D accessor of " + view.field());
        }
        String p = d == 1 ? "(" + x + ")" : d == 2 ? "(" + x + ", " + y + ")" : "(" + x + ", " + y + ", " + z + ")";
        return new IndexOutOfBoundsException("point " + p + " is outside " + view.bounds() + " of " + view.field());
    }

    private RuntimeException denied(String what) {
        return new LegionException("cannot " + what + " " + view.field() + " through a " + view.mode() + " accessor");
    }
}
