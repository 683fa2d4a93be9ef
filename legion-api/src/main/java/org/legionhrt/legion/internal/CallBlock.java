package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A thread's memory in the merged region: its call frame, an auxiliary frame (copies out of
 * HRT memory), staging for arguments that live elsewhere, and a ring for pulled values.
 */
final class CallBlock {
    final HrtMemory mem;
    final MemorySegment all;
    final MemorySegment frame;
    final MemorySegment aux;
    final MemorySegment staging;
    final MemorySegment pullRing;
    long top;
    long pullTop;
    boolean busy;
    String err = "";
    MemorySegment errSeg;
    final java.util.ArrayList<MemorySegment> from = new java.util.ArrayList<>();
    final java.util.ArrayList<MemorySegment> to = new java.util.ArrayList<>();
    final java.util.ArrayList<MemorySegment> temps = new java.util.ArrayList<>();

    final long stagingSize;
    final long pullSize;
    /** A block of one posted call (see postLaunch), not a thread's. */
    final boolean post;

    CallBlock(HrtMemory mem) {
        this(mem, HrtCalls.STAGING, HrtCalls.PULL, false);
    }

    CallBlock(HrtMemory mem, long stagingSize, long pullSize, boolean post) {
        this.mem = mem;
        this.stagingSize = stagingSize;
        this.pullSize = pullSize;
        this.post = post;
        all = mem.allocate(2 * 1024 + stagingSize + pullSize, 64);
        frame = all.asSlice(0, HrtCalls.FRAME_SIZE);
        aux = all.asSlice(1024, HrtCalls.FRAME_SIZE);
        staging = all.asSlice(2048, stagingSize);
        pullRing = all.asSlice(2048 + stagingSize, pullSize);
    }

    /** {@return {@code size} bytes of staging, 16-aligned} */
    MemorySegment stage(long size) {
        long at = (top + 15) & ~15L;
        if (at + size > stagingSize) {
            MemorySegment t = mem.allocate(size, 16);     // rounded up: freed whole, used to size
            temps.add(t);
            return t.asSlice(0, size);
        }
        top = at + size;
        return staging.asSlice(at, size);
    }

    /** {@return the HRT-visible address of {@code s}: itself in the merged region, else a staged copy} */
    long translate(MemorySegment s) {
        long n = s.byteSize();
        if (n == 0 || mem.contains(s.address(), n)) {
            return s.address();
        }
        MemorySegment d = stage(n);
        d.copyFrom(s);
        if (!s.isReadOnly()) {
            from.add(d);
            to.add(s);
        }
        return d.address();
    }

    /**
     * {@return the HRT-visible address of an lhrt_launch_t}: the struct, its argument bytes,
     * requirements (with their field lists) and futures are staged where they are not in the
     * merged region, and the copy's pointers point at the staged parts. Inputs only: nothing
     * is copied back. Layout: {@link Layouts#LAUNCH}.
     */
    long translateLaunch(MemorySegment launch) {
        if (launch.byteSize() == 0) {
            return 0;
        }
        long reqSize = Layouts.LAUNCH_REQ.byteSize();
        MemorySegment d = stage(Layouts.LAUNCH.byteSize());
        d.copyFrom(launch.asSlice(0, Layouts.LAUNCH.byteSize()));
        d.set(JAVA_LONG, Layouts.L_ARGS, inputs(d.get(JAVA_LONG, Layouts.L_ARGS), d.get(JAVA_LONG, Layouts.L_ARGLEN)));
        int nreqs = d.get(JAVA_INT, Layouts.L_NREQS), nfutures = d.get(JAVA_INT, Layouts.L_NFUTURES);
        long reqs = d.get(JAVA_LONG, Layouts.L_REQS);
        if (nreqs > 0 && reqs != 0) {
            MemorySegment r = stage(reqSize * nreqs);
            r.copyFrom(MemorySegment.ofAddress(reqs).reinterpret(reqSize * nreqs));
            for (int i = 0; i < nreqs; i++) {
                long fields = reqSize * i + Layouts.R_FIELDS;
                r.set(JAVA_LONG, fields, inputs(r.get(JAVA_LONG, fields), 4L * r.get(JAVA_INT, reqSize * i + Layouts.R_NFIELDS)));
            }
            d.set(JAVA_LONG, Layouts.L_REQS, r.address());
        }
        d.set(JAVA_LONG, Layouts.L_FUTURES, inputs(d.get(JAVA_LONG, Layouts.L_FUTURES), 8L * nfutures));
        return d.address();
    }

    private long inputs(long address, long n) {
        return address == 0 || n <= 0 ? address : translate(MemorySegment.ofAddress(address).reinterpret(n).asReadOnly());
    }

    void copyBack() {
        for (int i = 0; i < from.size(); i++) {
            to.get(i).copyFrom(from.get(i));
        }
    }

    /** {@return {@code n} bytes of this thread's pull ring (values stay valid until it wraps)} */
    MemorySegment pull(long n) {
        if (n > pullSize) {
            return mem.allocate(n, 16);      // rare and big: kept for the HVM's life
        }
        long at = (pullTop + 15) & ~15L;
        if (at + n > pullSize) {
            at = 0;
        }
        pullTop = at + n;
        return pullRing.asSlice(at, n);
    }

    MemorySegment errString() {
        byte[] b = err.getBytes(StandardCharsets.UTF_8);
        if (errSeg == null || errSeg.byteSize() < b.length + 1) {
            errSeg = Arena.ofAuto().allocate(Math.max(256, b.length + 1));
        }
        MemorySegment.copy(b, 0, errSeg, JAVA_BYTE, 0, b.length);
        errSeg.set(JAVA_BYTE, b.length, (byte) 0);
        return errSeg;
    }

    void reset() {
        top = 0;
        from.clear();
        to.clear();
        for (MemorySegment t : temps) {
            mem.free(t);
        }
        temps.clear();
    }

    void release() {
        reset();
        mem.free(all);
    }
}
