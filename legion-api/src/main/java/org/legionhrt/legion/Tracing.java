package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.legionhrt.legion.internal.Lhrt;

/** Drains a runtime's task records (lhrt_runtime_trace_drain) into {@link TaskRecord}s. */
final class Tracing {
    /** sizeof(lhrt_trace_record_t) and its fields' offsets (lhrt.h). */
    static final int RECORD = 48;
    private static final int READY = 0, START = 8, END = 16, POINT = 24, TASK = 32, WORKER = 36, KIND = 40, FAILED = 42;
    /** Records per drain call: 48 KiB, small enough for any backend's staging. */
    private static final int PIECE = 1024;

    private Tracing() {
    }

    static List<TaskRecord> drain(Lhrt lhrt, long rt, Map<Integer, TaskId<?>> tasks) {
        List<TaskRecord> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate((long) RECORD * PIECE, 8);
            MemorySegment n = a.allocate(JAVA_INT);
            int got;
            do {
                lhrt.check(lhrt.c.runtimeTraceDrain(rt, buf, PIECE, n), "lhrt_runtime_trace_drain");
                got = n.get(JAVA_INT, 0);
                for (int i = 0; i < got; i++) {
                    out.add(record(buf.asSlice((long) i * RECORD, RECORD), tasks));
                }
            } while (got == PIECE);
        }
        return out;
    }

    private static TaskRecord record(MemorySegment r, Map<Integer, TaskId<?>> tasks) {
        int id = r.get(JAVA_INT, TASK);
        TaskId<?> t = tasks.get(id);
        return new TaskRecord(t != null ? t.name() : "task " + id, id, r.get(JAVA_LONG, POINT), r.get(JAVA_INT, WORKER),
                Variant.ofCode(r.get(JAVA_SHORT, KIND)), r.get(JAVA_SHORT, FAILED) != 0, r.get(JAVA_LONG, READY),
                r.get(JAVA_LONG, START), r.get(JAVA_LONG, END));
    }
}
