// Memory layouts of the C API's value structs (lhrt.h), and helpers to read and write them.
// Sizes are asserted against the header's comments so a drift in lhrt.h fails loudly.
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** Layouts of {@code lhrt_point_t}, {@code lhrt_rect_t} and friends (internal). */
public final class Layouts {
    private Layouts() {}

    /** {@code lhrt_point_t}: dim, pad, x[3]; 32 bytes. */
    public static final StructLayout POINT = MemoryLayout.structLayout(
            JAVA_INT.withName("dim"), JAVA_INT.withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("x"));
    /** {@code lhrt_rect_t}: dim, pad, lo[3], hi[3]; 56 bytes. */
    public static final StructLayout RECT = MemoryLayout.structLayout(
            JAVA_INT.withName("dim"), JAVA_INT.withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("lo"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("hi"));
    /** {@code lhrt_colored_rect_t}: color point then rect; 88 bytes. */
    public static final StructLayout COLORED_RECT = MemoryLayout.structLayout(
            POINT.withName("color"), RECT.withName("rect"));
    /** {@code lhrt_config_t}; 40 bytes. */
    public static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("struct_size"), JAVA_INT.withName("workers"),
            JAVA_INT.withName("pin_workers"), JAVA_INT.withName("spin_ns"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("reserved"));
    /** Fields per field space (LHRT_MAX_FIELDS): the most accessors one requirement has. */
    public static final int MAX_FIELDS = 64;
    /** {@code lhrt_accessor_t}; 112 bytes ({@code space} is the runtime's, for its checked access). */
    public static final StructLayout ACCESSOR = MemoryLayout.structLayout(
            ADDRESS.withName("base"), MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("stride"),
            RECT.withName("bounds"), JAVA_INT.withName("field_id"), JAVA_INT.withName("field_size"),
            JAVA_INT.withName("privilege"), JAVA_INT.withName("redop"), ADDRESS.withName("space"));
    /** Offset of lhrt_accessor_t.field_id. */
    public static final long ACCESSOR_FIELD_ID = ACCESSOR.byteOffset(MemoryLayout.PathElement.groupElement("field_id"));
    /** Offset of {@code space} in {@code lhrt_accessor_t}: the region's index space where it is sparse, else NULL. */
    public static final long ACCESSOR_SPACE = ACCESSOR.byteOffset(MemoryLayout.PathElement.groupElement("space"));
    /** {@code lhrt_index_iter_t}; 48 bytes. */
    public static final StructLayout INDEX_ITER = MemoryLayout.structLayout(
            ADDRESS.withName("space"), JAVA_LONG.withName("rect"), POINT.withName("cur"));
    /** {@code lhrt_task_info_t}; 56 bytes. */
    public static final StructLayout TASK_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("task_id"), JAVA_INT.withName("kind"), JAVA_LONG.withName("npoints"),
            JAVA_INT.withName("launching_worker"), JAVA_INT.withName("workers"), POINT.withName("point"));
    /** {@code lhrt_layout_t}; 16 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("memory"), JAVA_INT.withName("layout"), JAVA_INT.withName("pad"));
    /** {@code lhrt_slicing_t}; 16 bytes. */
    public static final StructLayout SLICING = MemoryLayout.structLayout(
            JAVA_LONG.withName("grain"), JAVA_INT.withName("spread"), JAVA_INT.withName("first_worker"));
    /** {@code lhrt_mapper_t}: user + four callbacks; 40 bytes. */
    public static final StructLayout MAPPER = MemoryLayout.structLayout(
            ADDRESS.withName("user"), ADDRESS.withName("select_worker"), ADDRESS.withName("select_kind"),
            ADDRESS.withName("choose_layout"), ADDRESS.withName("slice"));

    /** {@code lhrt_launch_req_t}: region, partition, parent, projection, privilege, coherence, redop, nfields, fields; 56 bytes. */
    public static final StructLayout LAUNCH_REQ = MemoryLayout.structLayout(
            JAVA_LONG.withName("region"), JAVA_LONG.withName("partition"), JAVA_LONG.withName("parent"),
            JAVA_INT.withName("projection"), JAVA_INT.withName("privilege"), JAVA_INT.withName("coherence"),
            JAVA_INT.withName("redop"), JAVA_INT.withName("nfields"), JAVA_INT.withName("reserved"),
            ADDRESS.withName("fields"));
    /** {@code lhrt_launch_t}: task_id, kind, args, arglen, domain, nreqs, nfutures, reqs, futures; 56 bytes. */
    public static final StructLayout LAUNCH = MemoryLayout.structLayout(
            JAVA_INT.withName("task_id"), JAVA_INT.withName("kind"), ADDRESS.withName("args"),
            JAVA_LONG.withName("arglen"), JAVA_LONG.withName("domain"), JAVA_INT.withName("nreqs"),
            JAVA_INT.withName("nfutures"), ADDRESS.withName("reqs"), ADDRESS.withName("futures"));
    /** Byte offsets of the fields of {@link #LAUNCH} and {@link #LAUNCH_REQ} (launch_desc.c asserts the C side). */
    public static final long L_TASK_ID = offset(LAUNCH, "task_id"), L_KIND = offset(LAUNCH, "kind"),
            L_ARGS = offset(LAUNCH, "args"), L_ARGLEN = offset(LAUNCH, "arglen"), L_DOMAIN = offset(LAUNCH, "domain"),
            L_NREQS = offset(LAUNCH, "nreqs"), L_NFUTURES = offset(LAUNCH, "nfutures"), L_REQS = offset(LAUNCH, "reqs"),
            L_FUTURES = offset(LAUNCH, "futures");
    public static final long R_REGION = offset(LAUNCH_REQ, "region"), R_PARTITION = offset(LAUNCH_REQ, "partition"),
            R_PARENT = offset(LAUNCH_REQ, "parent"), R_PROJECTION = offset(LAUNCH_REQ, "projection"),
            R_PRIVILEGE = offset(LAUNCH_REQ, "privilege"), R_COHERENCE = offset(LAUNCH_REQ, "coherence"),
            R_REDOP = offset(LAUNCH_REQ, "redop"), R_NFIELDS = offset(LAUNCH_REQ, "nfields"),
            R_FIELDS = offset(LAUNCH_REQ, "fields");

    /** {@code lhrt_task_snapshot_t}: a task's first answers, then its parts at offsets; 72 bytes. */
    public static final StructLayout SNAPSHOT = MemoryLayout.structLayout(
            JAVA_INT.withName("task_id"), JAVA_INT.withName("nregions"), POINT.withName("point"),
            JAVA_LONG.withName("index"), JAVA_LONG.withName("arglen"), JAVA_LONG.withName("args_offset"),
            JAVA_LONG.withName("regions_offset"));
    /** {@code lhrt_task_snapshot_region_t}: region, index space, field space, tree, accessors; 40 bytes. */
    public static final StructLayout SNAPSHOT_REGION = MemoryLayout.structLayout(
            JAVA_LONG.withName("region"), JAVA_LONG.withName("index_space"), JAVA_LONG.withName("field_space"),
            JAVA_INT.withName("tree_id"), JAVA_INT.withName("naccessors"), JAVA_LONG.withName("accessors_offset"));
    public static final long S_TASK_ID = offset(SNAPSHOT, "task_id"), S_NREGIONS = offset(SNAPSHOT, "nregions"),
            S_POINT = offset(SNAPSHOT, "point"), S_ARGLEN = offset(SNAPSHOT, "arglen"),
            S_ARGS = offset(SNAPSHOT, "args_offset"), S_REGIONS = offset(SNAPSHOT, "regions_offset");
    public static final long SR_REGION = offset(SNAPSHOT_REGION, "region"),
            SR_INDEX_SPACE = offset(SNAPSHOT_REGION, "index_space"), SR_FIELD_SPACE = offset(SNAPSHOT_REGION, "field_space"),
            SR_TREE = offset(SNAPSHOT_REGION, "tree_id"), SR_NACCESSORS = offset(SNAPSHOT_REGION, "naccessors"),
            SR_ACCESSORS = offset(SNAPSHOT_REGION, "accessors_offset");

    /** {@return the accessors in a task snapshot, each a slice of it (all regions, in order)} */
    public static java.util.List<MemorySegment> snapshotAccessors(MemorySegment snap) {
        java.util.List<MemorySegment> out = new java.util.ArrayList<>();
        long regions = snap.get(JAVA_LONG, S_REGIONS), size = ACCESSOR.byteSize();
        for (int r = 0, n = snap.get(JAVA_INT, S_NREGIONS); r < n; r++) {
            long at = regions + r * SNAPSHOT_REGION.byteSize();
            long first = snap.get(JAVA_LONG, at + SR_ACCESSORS);
            for (int i = 0, k = snap.get(JAVA_INT, at + SR_NACCESSORS); i < k; i++) {
                out.add(snap.asSlice(first + i * size, size));
            }
        }
        return out;
    }

    private static long offset(StructLayout l, String field) {
        return l.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static {
        check(LAUNCH_REQ, 56);
        check(LAUNCH, 56);
        check(POINT, 32);
        check(RECT, 56);
        check(COLORED_RECT, 88);
        check(CONFIG, 40);
        check(ACCESSOR, 112);
        check(INDEX_ITER, 48);
        check(TASK_INFO, 56);
        check(LAYOUT, 16);
        check(SLICING, 16);
        check(MAPPER, 40);
        check(SNAPSHOT, 72);
        check(SNAPSHOT_REGION, 40);
    }

    private static void check(StructLayout l, long size) {
        if (l.byteSize() != size) {
            throw new AssertionError("layout drift: " + l + " is " + l.byteSize() + " bytes, lhrt.h says " + size);
        }
    }

    /** Writes a point of {@code dim} coordinates into {@code seg} at {@code off}. */
    public static void putPoint(MemorySegment seg, long off, int dim, long x, long y, long z) {
        seg.set(JAVA_INT, off, dim);
        seg.set(JAVA_INT, off + 4, 0);
        seg.set(JAVA_LONG, off + 8, x);
        seg.set(JAVA_LONG, off + 16, y);
        seg.set(JAVA_LONG, off + 24, z);
    }

    /** Writes a rectangle; {@code lo} and {@code hi} hold {@code dim} coordinates. */
    public static void putRect(MemorySegment seg, long off, int dim, long[] lo, long[] hi) {
        seg.set(JAVA_INT, off, dim);
        seg.set(JAVA_INT, off + 4, 0);
        for (int d = 0; d < 3; d++) {
            seg.set(JAVA_LONG, off + 8 + 8L * d, d < dim ? lo[d] : 0);
            seg.set(JAVA_LONG, off + 32 + 8L * d, d < dim ? hi[d] : 0);
        }
    }

    /** {@return the dimension of the point or rectangle at {@code off}} */
    public static int dim(MemorySegment seg, long off) {
        return seg.get(JAVA_INT, off);
    }

    /** {@return coordinate {@code d} of the point at {@code off}} */
    public static long pointX(MemorySegment seg, long off, int d) {
        return seg.get(JAVA_LONG, off + 8 + 8L * d);
    }

    /** {@return low coordinate {@code d} of the rectangle at {@code off}} */
    public static long rectLo(MemorySegment seg, long off, int d) {
        return seg.get(JAVA_LONG, off + 8 + 8L * d);
    }

    /** {@return high coordinate {@code d} of the rectangle at {@code off}} */
    public static long rectHi(MemorySegment seg, long off, int d) {
        return seg.get(JAVA_LONG, off + 32 + 8L * d);
    }
}
