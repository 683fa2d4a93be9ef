// The C API of the runtime inside the HRT as FFM-shaped method handles: each handle has exactly
// the type a downcall of the same FunctionDescriptor would have, and marshals its arguments into
// an lhrt_hrt_frame (legion-hrt-port/hrt/lhrt_hrt_call.h) by the System V classification, runs
// it over the HVM call ring, and copies memory arguments that live outside the merged region in
// and out of a per-thread staging area inside it (instances are already there: zero-copy).
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.legionhrt.hvm.Hvm;
import org.legionhrt.hvm.HvmException;
import org.legionhrt.legion.LegionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Call-ring stubs of the {@code lhrt_*} functions (internal; used by {@link HrtBackend}). */
final class HrtCalls implements SymbolLookup {
    private static final Logger LOG = LoggerFactory.getLogger(HrtCalls.class);
    static final int FN_LOOKUP = 16;
    static final int FN_CALL = 17;
    static final int FN_CALL_ASYNC = 18;
    static final int FN_INFO = 19;
    static final int FN_CALL_IF_READY = 20;
    static final int FN_CALL_POSTED = 21;

    /** FN_INFO keys: the calls the call servers ran, and the nanoseconds they took. */
    static final long INFO_SERVED_CALLS = 5, INFO_SERVED_NANOS = 6;
    /** FN_INFO key: the name of the task a CPU runs. */
    private static final long INFO_TASK_ON_CPU = 4;
    /** Calls that hand out a pointer into HRT memory, by the indices of their pointer and length outputs. */
    private static final Map<String, int[]> PULLED = Map.of("lhrt_task_get_args", new int[] {1, 2},
            "lhrt_future_get_pointer", new int[] {1, 2}, "lhrt_task_get_info", new int[] {3, 4});
    private static final int F_STATUS = 1;
    static final long FRAME_SIZE = 0x2a8;
    private static final long OFF_NSTACK = 0x08, OFF_FLAGS = 0x0c, OFF_GPR = 0x10, OFF_XMM = 0x40;
    static final long OFF_RAX = 0x80, OFF_RDX = 0x88, OFF_XMM0 = 0x90, OFF_DONE = 0xa0, OFF_NOTIFY = 0xa4;
    static final long OFF_STACK = 0xa8, OFF_ERR = 0x1a8;
    private static final int MAX_STACK = 32;
    static final long STAGING = 256 << 10;
    static final long PULL = 1 << 20;
    static final VarHandle DONE = JAVA_INT.varHandle();
    /** The ROS handler id the HRT calls with a frame's address once a CALL_ASYNC is done. */
    static final int ASYNC_DONE = 1;
    /** A blocking call spins this long on done before it sleeps until the HRT's notice. */
    static final long ASYNC_SPIN_NANOS = 50_000;
    /** A sleeping caller looks this often whether the HVM failed (a memory read; the HVM's watchdog finds hung tasks). */
    private static final long LIVENESS_NANOS = 1_000_000_000L;

    /** Calls that may block in the runtime: each runs on an HRT thread of its own (CALL_ASYNC). */
    private static final Set<String> BLOCKING = Set.of("lhrt_runtime_destroy", "lhrt_context_wait_all",
            "lhrt_future_wait", "lhrt_future_get_value", "lhrt_future_get_pointer", "lhrt_future_map_wait_all",
            "lhrt_future_map_reduce", "lhrt_region_map", "lhrt_runtime_poll_external", "lhrt_runtime_poll_external_snapshot",
            "lhrt_partition_create_by_field", "lhrt_partition_create_by_image", "lhrt_partition_create_by_preimage");
    /** The one-call launches: argument 1 is an lhrt_launch_t whose pointers are staged too; posted when deferred. */
    static final Set<String> LAUNCHES = Set.of("lhrt_task_launch", "lhrt_index_launch", "lhrt_index_launch_reduce");
    private static final MethodHandle INVOKE;
    private static final MethodHandle LAST_ERROR;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INVOKE = l.findVirtual(HrtCalls.class, "invoke", MethodType.methodType(Object.class, Call.class, Object[].class));
            LAST_ERROR = l.findVirtual(HrtCalls.class, "lastError", MethodType.methodType(MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One C function: where it is and how its arguments travel. */
    record Call(String name, long fn, FunctionDescriptor desc, boolean async, boolean structReturn) {}

    private final Hvm hvm;
    private final HrtMemory mem;
    private final AsyncWaiters waiters;
    private final java.util.function.Consumer<LegionException> onFailure;
    private final ThreadLocal<CallBlock> blocks;
    private final long memcpy;
    private final long jvmVariant;
    private final Map<Integer, MemorySegment> statusNames = new ConcurrentHashMap<>();
    /** Java callbacks: stubs swapped for HRT proxies, and the ROS handler that runs them (HrtUpcalls). */
    final HrtUpcalls upcalls;
    /** Native variants' libraries, handed to the HRT as modules before their first registration. */
    private final HrtModules modules;
    /** Calls made, for the overhead figures. */
    final AtomicLong calls = new AtomicLong();
    /** Threads inside a call: the HVM (and its merged region) is unmapped only once this is 0. */
    final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private volatile LegionException failed;
    /** How a runtime message's Java exception is found (set by the Runtime; none until then). */
    volatile java.util.function.Function<String, Throwable> causes = msg -> null;
    /** Whether a caller was thrown the failure (or an exception naming it). */
    private volatile boolean failureThrown;
    /** Native task names by id, and the last one a launcher was made for: what a failure names. */
    private final Map<Integer, String> nativeTasks = new ConcurrentHashMap<>();
    private volatile String lastNative;
    /** Every registered task's name by id (Java and native): what a deferred launch's failure names. */
    private final Map<Integer, String> taskNames = new ConcurrentHashMap<>();
    /** Posted index launches (RuntimeConfig.hrtDeferredLaunches); null when launches wait. */
    private final DeferredLaunches deferred;

    HrtCalls(Hvm hvm, HrtMemory mem, AsyncWaiters waiters, java.util.function.Consumer<LegionException> onFailure,
            boolean deferLaunches) {
        this.hvm = hvm;
        this.mem = mem;
        this.waiters = waiters;
        this.onFailure = onFailure;
        this.blocks = ThreadLocal.withInitial(this::newBlock);
        this.upcalls = new HrtUpcalls(this, mem);
        this.modules = new HrtModules(this, mem);
        this.deferred = deferLaunches ? new DeferredLaunches(this, hvm, mem) : null;
        this.memcpy = lookup("memcpy");
        this.jvmVariant = lookup("lhrt_hrt_jvm_variant");
        if (memcpy == 0 || jvmVariant == 0) {
            throw new LegionException("backend hrt: the HRT image lacks memcpy or lhrt_hrt_jvm_variant; rebuild "
                    + "legion-hrt-port/hrt (make -C legion-hrt-port/hrt all)");
        }
    }

    /** Threads' blocks, reclaimed from threads that ended when the merged region runs short. */
    private final Map<Thread, CallBlock> owners = new ConcurrentHashMap<>();

    private CallBlock newBlock() {
        CallBlock b;
        try {
            b = new CallBlock(mem);
        } catch (LegionException full) {
            owners.entrySet().removeIf(e -> {
                if (e.getKey().isAlive()) {
                    return false;
                }
                e.getValue().release();
                return true;
            });
            b = new CallBlock(mem);
        }
        owners.put(Thread.currentThread(), b);
        return b;
    }

    @Override
    public Optional<MemorySegment> find(String name) {
        return Optional.empty();      // nothing here is callable natively: see handle()
    }

    /** {@return the HRT address of global function {@code name}, 0 if the image has none} */
    long lookup(String name) {
        CallBlock b = blocks.get();
        byte[] s = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment buf = b.frame.asSlice(OFF_ERR, s.length + 1);
        MemorySegment.copy(s, 0, buf, JAVA_BYTE, 0, s.length);
        buf.set(JAVA_BYTE, s.length, (byte) 0);
        return ring(FN_LOOKUP, "looking up " + name, buf.address());
    }

    /** {@return a handle of the downcall type of {@code desc} calling {@code name} in the HRT, or null if absent} */
    MethodHandle handle(String name, FunctionDescriptor desc) {
        boolean structReturn = desc.returnLayout().filter(l -> l instanceof GroupLayout).isPresent();
        MethodType type = desc.toMethodType();
        if (structReturn) {
            type = type.insertParameterTypes(0, SegmentAllocator.class);
        }
        if (name.equals("lhrt_last_error")) {
            return LAST_ERROR.bindTo(this).asType(type);
        }
        long fn = lookup(name);
        if (fn == 0) {
            return null;
        }
        MethodHandle target = MethodHandles.insertArguments(INVOKE, 0, this,
                new Call(name, fn, desc, BLOCKING.contains(name), structReturn));
        return target.asCollector(Object[].class, type.parameterCount()).asType(type);
    }

    /** {@return the name task {@code id} was registered with, or its number} */
    String taskName(int id) {
        return taskNames.getOrDefault(id, "#" + id);
    }

    /** {@return this thread's last error of a call that failed, as a C string} */
    private MemorySegment lastError() {
        return blocks.get().errString();
    }

    /** Runs one call: marshal, ring, copy back, fix up pointers the JVM cannot read. */
    private Object invoke(Call c, Object[] a) {
        active.incrementAndGet();
        try {
            return invokeActive(c, a);
        } finally {
            active.decrementAndGet();
        }
    }

    private Object invokeActive(Call c, Object[] a) {
        if (deferred != null) {
            Object r = deferred.before(c, a);
            if (r != null) {
                return r;
            }
        }
        if (failed != null) {
            failureThrown = true;
            throw new LegionException(0, "backend hrt: " + c.name + " after the HRT failed: " + failed.getMessage(),
                    failed.getCause());
        }
        Object answered = upcalls.intercept(c.name, a);     // Java callbacks: stubs become HRT proxies
        if (answered != null) {
            return answered;
        }
        if (c.name.equals("lhrt_task_register_native_symbol")) {
            int st = modules.ensureLoaded((MemorySegment) a[3]);    // what dlopen does on linux
            if (st != 0) {
                return st;
            }
            st = (Integer) invokeBlock(c, a, false);
            String missing = st != 0 ? HrtModules.missingFile((MemorySegment) a[3]) : null;
            if (missing != null) {
                blocks.get().err = missing;
            }
            return st;
        }
        boolean async = c.async;
        long readyFuture = 0;
        if (async && c.name.startsWith("lhrt_future_") && !c.name.startsWith("lhrt_future_map_") && a[0] instanceof Long fut) {
            readyFuture = fut;                 // a ready future does not block: run it at once (CALL_IF_READY)
        }
        if (async && c.name.startsWith("lhrt_runtime_poll_external") && (Long) a[1] != 0) {
            // Busy phases: poll without waiting for a while (short calls) before parking an HRT thread.
            Object[] now = a.clone();
            now[1] = 0L;
            long end = System.nanoTime() + 100_000;
            do {
                int st = (Integer) invokeBlock(c, now, false);
                if (st != 0 || ((MemorySegment) a[a.length - 1]).get(JAVA_INT, 0) > 0) {     // n: the last argument
                    return st;
                }
            } while (System.nanoTime() < end);
        }
        return invokeBlock(c, a, async, readyFuture);
    }

    private Object invokeBlock(Call c, Object[] a, boolean async) {
        return invokeBlock(c, a, async, 0);
    }

    /** Runs a call on this thread's block; {@code readyFuture} != 0: a blocking call on that future, tried at once first. */
    private Object invokeBlock(Call c, Object[] a, boolean async, long readyFuture) {
        CallBlock b = blocks.get();
        if (b.busy) {
            b = new CallBlock(mem);          // re-entered (never expected): a block of its own, freed after
            try {
                return invoke(c, a, b, async, readyFuture);
            } finally {
                b.release();
            }
        }
        b.busy = true;
        try {
            return invoke(c, a, b, async, readyFuture);
        } finally {
            b.busy = false;
            b.reset();
        }
    }

    Object invoke(Call c, Object[] a, CallBlock b, boolean async, long readyFuture) {
        MemorySegment f = b.frame;
        f.asSlice(0, OFF_STACK).fill((byte) 0);
        f.set(JAVA_LONG, 0, c.fn);
        boolean status = c.desc.returnLayout().filter(l -> l == JAVA_INT || l.equals(JAVA_INT)).isPresent();
        f.set(JAVA_INT, OFF_FLAGS, status ? F_STATUS : 0);
        Marshal m = new Marshal(f);
        int k = 0;
        MemorySegment ret = null;
        if (c.structReturn) {
            ret = b.stage(c.desc.returnLayout().get().byteSize());
            m.word(ret.address());
            k = 1;
        }
        var layouts = c.desc.argumentLayouts();
        for (int i = 0; i < layouts.size(); i++) {
            MemoryLayout l = layouts.get(i);
            Object v = a[i + k];
            if (c.name.equals("lhrt_task_register") && i == 4) {
                v = MemorySegment.ofAddress(jvmVariant);     // a JVM variant: never run in the HRT
            }
            if (l instanceof ValueLayout.OfInt) {
                m.word((Integer) v);
            } else if (l instanceof ValueLayout.OfLong) {
                m.word((Long) v);
            } else if (l instanceof AddressLayout && i == 1 && LAUNCHES.contains(c.name)) {
                m.word(b.translateLaunch((MemorySegment) v));
            } else if (l instanceof AddressLayout) {
                m.word(b.translate((MemorySegment) v));
            } else if (l instanceof ValueLayout.OfDouble) {
                m.sse(Double.doubleToRawLongBits((Double) v));
            } else if (l instanceof ValueLayout.OfFloat) {
                m.sse(Float.floatToRawIntBits((Float) v) & 0xffffffffL);
            } else if (l instanceof GroupLayout g && g.byteSize() > 16) {
                m.memory((MemorySegment) v, g.byteSize());
            } else if (l instanceof GroupLayout g) {
                m.small((MemorySegment) v, g);
            } else {
                throw new LegionException("backend hrt: cannot pass " + l + " to " + c.name);
            }
        }
        if (m.ns > MAX_STACK) {
            throw new LegionException("backend hrt: " + c.name + " needs more than " + MAX_STACK + " stack words");
        }
        f.set(JAVA_INT, OFF_NSTACK, m.ns);
        if (c.name.equals("lhrt_task_register") || c.name.equals("lhrt_task_register_native_symbol")) {
            taskNames.put((Integer) a[1], cString((MemorySegment) a[2]));
        }
        if (c.name.equals("lhrt_task_register_native_symbol")) {
            nativeTasks.put((Integer) a[1], taskName((Integer) a[1]) + " (" + cString((MemorySegment) a[4]) + ")");
        } else if (c.name.equals("lhrt_task_launcher_create") || c.name.equals("lhrt_index_launcher_create")
                || LAUNCHES.contains(c.name)) {
            String t = nativeTasks.get(LAUNCHES.contains(c.name) ? ((MemorySegment) a[1]).get(JAVA_INT, Layouts.L_TASK_ID) : (Integer) a[1]);
            if (t != null) {
                lastNative = t;
            }
        }
        if (c.name.equals("lhrt_task_complete") || c.name.equals("lhrt_task_complete_failed")) {
            writeBackViews((Long) a[0], c.name.equals("lhrt_task_complete"));
        }
        if (b.post) {
            return deferred.post(c, a, b, f);
        }
        long rax;
        if (async && readyFuture != 0 && ring(FN_CALL_IF_READY, c.name, f.address(), readyFuture) == 1) {
            rax = f.get(JAVA_LONG, OFF_RAX);              // the future was ready: it ran at once
        } else {
            rax = async ? callAsync(c, f) : ring(FN_CALL, c.name, f.address());
        }
        calls.incrementAndGet();
        b.copyBack();
        if (status && (int) rax != 0) {
            b.err = f.asSlice(OFF_ERR, 256).getString(0);
        }
        int[] pulled = PULLED.get(c.name);
        if (pulled != null && (int) rax == 0) {
            pull(b, (MemorySegment) a[pulled[0]], (MemorySegment) a[pulled[1]]);
        }
        if ((c.name.equals("lhrt_task_get_accessor") || c.name.equals("lhrt_mapping_get_accessor")) && (int) rax == 0) {
            privateView(c, (MemorySegment) a[a.length - 1], c.name.equals("lhrt_task_get_accessor") ? (Long) a[0] : 0);
        }
        if (c.name.equals("lhrt_task_get_snapshot") && (int) rax == 0            // (ctx, buf, cap, size)
                && ((MemorySegment) a[3]).get(JAVA_LONG, 0) <= (Long) a[2]) {
            Layouts.snapshotAccessors((MemorySegment) a[1]).forEach(acc -> snapshotView(c, acc, (Long) a[0]));
        }
        if (c.name.equals("lhrt_runtime_poll_external_snapshot") && (int) rax == 0   // (rt, timeout, task, buf, cap, size, n)
                && ((MemorySegment) a[6]).get(JAVA_INT, 0) == 1 && ((MemorySegment) a[5]).get(JAVA_LONG, 0) <= (Long) a[4]) {
            long task = ((MemorySegment) a[2]).get(JAVA_LONG, 0);
            Layouts.snapshotAccessors((MemorySegment) a[3]).forEach(acc -> snapshotView(c, acc, task));
        }
        if (c.name.equals("lhrt_task_get_accessors") && (int) rax == 0) {     // (ctx, req, out, max, n)
            long size = Layouts.ACCESSOR.byteSize();
            int written = Math.min(((MemorySegment) a[4]).get(JAVA_INT, 0), (Integer) a[3]);
            for (int i = 0; i < written; i++) {
                privateView(c, ((MemorySegment) a[2]).asSlice(i * size, size), (Long) a[0]);
            }
        }
        var rl = c.desc.returnLayout();
        if (rl.isEmpty()) {
            return null;
        }
        MemoryLayout r = rl.get();
        if (r instanceof ValueLayout.OfInt) {
            return (int) rax;
        } else if (r instanceof ValueLayout.OfLong) {
            return rax;
        } else if (r instanceof AddressLayout) {
            return c.name.equals("lhrt_status_name") ? statusName((Integer) a[0], rax) : MemorySegment.ofAddress(rax);
        } else if (r instanceof ValueLayout.OfDouble) {
            return Double.longBitsToDouble(f.get(JAVA_LONG, OFF_XMM0));
        } else if (r instanceof GroupLayout g) {
            MemorySegment out = ((SegmentAllocator) a[0]).allocate(g);
            if (g.byteSize() > 16) {
                out.copyFrom(ret);
            } else {
                out.copyFrom(f.asSlice(OFF_RAX, g.byteSize()));     // INTEGER eightbytes: rax, rdx
            }
            return out;
        }
        throw new LegionException("backend hrt: cannot return " + r + " from " + c.name);
    }

    /** A task's copy of an HRT-private reduction buffer: Java folds into the copy, the HRT gets it back at completion. */
    private record View(long hrt, MemorySegment copy) {}

    private final Map<Long, Map<Long, View>> views = new ConcurrentHashMap<>();
    private static final int LHRT_REDUCE = 4;

    /**
     * An accessor over HRT-private memory (a Java task's reduction buffer: plat_alloc'd by the
     * runtime, not in the merged region) would fault in Java: point it at a copy in the merged
     * region instead, written back before the task completes. Anything else private is refused.
     */
    private void privateView(Call c, MemorySegment acc, long ctx) {
        long base = acc.get(JAVA_LONG, 0);
        if (base == 0 || mem.contains(base, 1)) {
            return;
        }
        int dim = acc.get(JAVA_INT, 32), fieldSize = acc.get(JAVA_INT, 92), priv = acc.get(JAVA_INT, 96);
        if (ctx == 0 || priv != LHRT_REDUCE) {
            throw new LegionException("backend hrt: " + c.name + " gave an instance in HRT-private memory (0x"
                    + Long.toHexString(base) + "), which Java cannot reach; use backend linux for this program");
        }
        long span = fieldSize;
        for (int d = 0; d < dim; d++) {
            long lo = acc.get(JAVA_LONG, 40 + 8L * d), hi = acc.get(JAVA_LONG, 64 + 8L * d);
            span += Math.max(0, hi - lo) * Math.abs(acc.get(JAVA_LONG, 8 + 8L * d));
        }
        long n = span;
        View v = views.computeIfAbsent(ctx, k -> new ConcurrentHashMap<>()).computeIfAbsent(base, b -> {
            MemorySegment copy = mem.allocate(n, 64);
            copyFromHrt(copy.address(), b, n);
            return new View(b, copy);
        });
        acc.set(JAVA_LONG, 0, v.copy().address());
    }

    /**
     * {@link #privateView} for an accessor of a task snapshot: one Java cannot use is taken out of
     * the snapshot (its field id made -1), so the body asks for it alone and fails with the reason,
     * instead of the poll failing and leaving the task unserved.
     */
    private void snapshotView(Call c, MemorySegment acc, long ctx) {
        try {
            privateView(c, acc, ctx);
        } catch (LegionException e) {
            acc.set(JAVA_INT, Layouts.ACCESSOR_FIELD_ID, -1);
        }
    }

    /** Before a Java task completes: its reduction buffers go back to the HRT (or are dropped on failure). */
    private void writeBackViews(long ctx, boolean keep) {
        Map<Long, View> vs = views.remove(ctx);
        if (vs == null) {
            return;
        }
        for (View v : vs.values()) {
            if (keep) {
                copyFromHrt(v.hrt(), v.copy().address(), v.copy().byteSize());   // memcpy in the HRT, either way
            }
            mem.free(v.copy());
        }
    }

    /** A value the runtime handed out by pointer into HRT memory: copy it where Java can read it. */
    private void pull(CallBlock b, MemorySegment ptrOut, MemorySegment lenOut) {
        long p = ptrOut.get(JAVA_LONG, 0), n = lenOut.get(JAVA_LONG, 0);
        if (n <= 0 || p == 0 || mem.contains(p, n)) {
            return;
        }
        MemorySegment dst = b.pull(n);
        copyFromHrt(dst.address(), p, n);
        ptrOut.set(JAVA_LONG, 0, dst.address());
    }

    /** memcpy inside the HRT (either direction between the merged region and HRT memory), on a frame of its own. */
    private void copyFromHrt(long dst, long src, long n) {
        MemorySegment f = blocks.get().aux;
        f.asSlice(0, OFF_STACK).fill((byte) 0);
        f.set(JAVA_LONG, 0, memcpy);
        f.set(JAVA_LONG, OFF_GPR, dst);
        f.set(JAVA_LONG, OFF_GPR + 8, src);
        f.set(JAVA_LONG, OFF_GPR + 16, n);
        ring(FN_CALL, "memcpy", f.address());
    }

    private MemorySegment statusName(int st, long p) {
        return statusNames.computeIfAbsent(st, s -> {
            String name = hrtString(p);
            return Arena.global().allocateFrom(name.length() > 120 ? "status " + s : name);
        });
    }

    /**
     * A blocking call: answers within microseconds are caught by a short spin; longer waits
     * sleep until the HRT thread that ran the call tells the {@link AsyncWaiters} handler. A
     * JVM thread polling instead (even with sleeps between looks) costs the host cores that
     * the HRT's vCPUs run on: measured, three polling threads took 45% of one of this host's
     * two cores away from the runtime's workers.
     */
    private long callAsync(Call c, MemorySegment f) {
        ring(FN_CALL_ASYNC, c.name, f.address());
        long start = System.nanoTime();
        while ((int) DONE.getVolatile(f, OFF_DONE) == 0) {
            if (System.nanoTime() - start < ASYNC_SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            sleepUntilDone(c, f);
        }
        return f.get(JAVA_LONG, OFF_RAX);
    }

    /** Asks for the completion notice (Dekker with the HRT: notify, fence, look at done), then sleeps. */
    private void sleepUntilDone(Call c, MemorySegment f) {
        long key = f.address();
        waiters.add(key, Thread.currentThread());
        try {
            DONE.setVolatile(f, OFF_NOTIFY, ASYNC_DONE);
            VarHandle.fullFence();
            while ((int) DONE.getVolatile(f, OFF_DONE) == 0) {
                // The HVM's failure wakes us too (AsyncWaiters.hvmFailed); the timeout only backs it up.
                java.util.concurrent.locks.LockSupport.parkNanos(this, LIVENESS_NANOS);
                if (failed != null) {
                    failureThrown = true;
                    throw failed;                      // another thread saw the HVM fail
                }
                if ((int) DONE.getVolatile(f, OFF_DONE) == 0) {
                    checkAlive(c.name);                // a field read: e.g. the watchdog stopped a hung task's HVM
                }
            }
        } finally {
            waiters.remove(key);
        }
    }

    /**
     * The JVM threads sleeping in a blocking call, by frame address; the HRT's completion notice
     * (ROS handler {@link #ASYNC_DONE}, run on the notifying vCPU's thread) wakes the owner.
     */
    static final class AsyncWaiters implements org.legionhrt.hvm.ring.RosHandler {
        private final Map<Long, Thread> byFrame = new ConcurrentHashMap<>();

        void add(long frame, Thread t) {
            byFrame.put(frame, t);
        }

        void remove(long frame) {
            byFrame.remove(frame);
        }

        @Override
        public long handle(long[] args) {
            Thread t = byFrame.get(args[0]);
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);    // a late notice is a harmless spurious wake
            }
            return 0;
        }

        /** No notice will come: every sleeper wakes and finds the failure. */
        @Override
        public void hvmFailed() {
            byFrame.values().forEach(java.util.concurrent.locks.LockSupport::unpark);
        }
    }

    /**
     * Has the HVM's watchdog stop the HRT when a native task keeps its CPU longer than
     * {@code limit} (scheduling is cooperative, so such a task never gives it back). CPU 0 is
     * the call server's own unless {@code sharedCpu0}; the waiting caller then fails with the
     * task's name and the vCPUs' state.
     */
    void watchForHungTasks(Duration limit, boolean sharedCpu0) {
        hvm.watchCpus(limit, cpu -> sharedCpu0 || cpu != 0, (cpu, stuck) -> String.format(java.util.Locale.ROOT,
                "%s ran %.1f s on HRT CPU %d without giving the CPU back (the task limit is %.1f s: "
                        + "RuntimeConfig.withHrtTaskLimit, ./hrt run --hrt-task-limit): the HRT was stopped", taskOn(cpu, sharedCpu0 && cpu == 0),
                stuck.toMillis() / 1e3, cpu, limit.toMillis() / 1e3));
    }

    /**
     * {@return "native task NAME (point i)" for what {@code cpu} runs, asked of the call server
     * unless it is stuck too} This runs on the watchdog thread that every HVM of the JVM shares,
     * so it waits a second at most: a call server slow to answer must not keep the other HVMs'
     * hung tasks from being found.
     */
    private String taskOn(int cpu, boolean serverStuck) {
        if (!serverStuck) {
            try {
                long name = hvm.callAsync(FN_INFO, INFO_TASK_ON_CPU, cpu).get(1, java.util.concurrent.TimeUnit.SECONDS);
                if (name != 0) {
                    return "native task " + hrtString(name);
                }
            } catch (RuntimeException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("backend hrt: no name for the task on CPU {}", cpu, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return "a native task";        // the caller's failure adds the last native task launched
    }

    /** Throws, as the runtime's failure, the HVM's failure if it has one. */
    void checkAlive(String during) {
        try {
            hvm.checkAlive();
        } catch (HvmException e) {
            throw lost(during, e);
        }
    }

    /** A NUL-terminated string in HRT memory, at most 127 bytes of it. */
    private String hrtString(long p) {
        MemorySegment tmp = mem.allocate(128, 16);
        try {
            tmp.fill((byte) 0);
            copyFromHrt(tmp.address(), p, 127);
            return tmp.getString(0);
        } finally {
            mem.free(tmp);
        }
    }

    /** Lets the HVM's failure reports name functions of a module loaded at {@code bias}. */
    void addModuleSymbols(String name, byte[] elf, long bias) {
        if (bias != 0) {
            hvm.addSymbols(name, elf, bias);
        }
    }

    /** {@return the calls the HRT's call servers ran (answered and posted) and the nanoseconds they took} */
    long[] serverLoad() {
        return new long[] {ring(FN_INFO, "info", INFO_SERVED_CALLS), ring(FN_INFO, "info", INFO_SERVED_NANOS)};
    }

    /** {@return the CPUs the runtime's workers are spread over (all, or all but the call server's)} */
    int workerCpus() {
        return (int) ring(FN_INFO, "info", 0);
    }

    /** One ring call; a failure of the HVM ends it and becomes a LegionException. */
    private long ring(int fn, String what, long... args) {
        try {
            return hvm.call(fn, args);
        } catch (HvmException e) {
            throw lost(what, e);
        }
    }

    /** {@return the runtime's failure: the HVM failed during {@code what}} */
    LegionException lost(String what, HvmException e) {
        // The VMM names the task a failed CPU ran when the runtime had labelled it; else the best guess.
        String task = lastNative == null || String.valueOf(e.getMessage()).contains(" was running task ") ? ""
                : "; the last native task launched: " + lastNative;
        // what the caller was doing is rarely the cause (a poller's poll, another task's completion):
        // the HVM's report comes first, the call that noticed it last
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');          // the headline, then the registers and console lines
        String head = nl < 0 ? m : m.substring(0, nl), rest = nl < 0 ? "" : m.substring(nl);
        return fail(new LegionException(0, "backend hrt: the HRT failed: " + head + task
                + " (noticed by " + what + "; this runtime is lost: close it and start a new one)" + rest, e));
    }

    /** Records the runtime's failure (the first one wins) and {@return what the caller throws} */
    private LegionException fail(LegionException le) {
        if (failed == null) {
            failed = le;
            onFailure.accept(le);
        }
        failureThrown = true;
        return le;
    }

    /** {@return the runtime's failure (the first one recorded), or null} */
    LegionException failure() {
        return failed;
    }

    /** {@return whether the HRT failed and some caller was thrown that} */
    boolean failureReported() {
        return failed != null && failureThrown;
    }

    private static String cString(MemorySegment s) {
        return s.byteSize() == 0 ? "?" : s.getString(0);
    }

    /** Fills a frame's registers and stack words in argument order. */
    private static final class Marshal {
        final MemorySegment f;
        int gi, xi, ns;

        Marshal(MemorySegment f) {
            this.f = f;
        }

        void word(long v) {
            if (gi < 6) {
                f.set(JAVA_LONG, OFF_GPR + 8L * gi++, v);
            } else {
                stack(v);
            }
        }

        void sse(long v) {
            if (xi < 8) {
                f.set(JAVA_LONG, OFF_XMM + 8L * xi++, v);
            } else {
                stack(v);
            }
        }

        void stack(long v) {
            if (ns < MAX_STACK) {
                f.set(JAVA_LONG, OFF_STACK + 8L * ns, v);
            }
            ns++;
        }

        /** MEMORY class: the struct's words go to the stack. */
        void memory(MemorySegment s, long size) {
            for (long o = 0; o < size; o += 8) {
                stack(o + 8 <= size ? s.get(JAVA_LONG.withByteAlignment(1), o) : tail(s, o, size));
            }
        }

        /** Structs of up to 16 bytes: each eightbyte is SSE if it holds only floating point, else INTEGER. */
        void small(MemorySegment s, GroupLayout g) {
            int words = (int) ((g.byteSize() + 7) / 8);
            boolean[] sse = new boolean[words];
            java.util.Arrays.fill(sse, true);
            classify(g, 0, sse);
            int needG = 0, needX = 0;
            for (boolean x : sse) {
                if (x) {
                    needX++;
                } else {
                    needG++;
                }
            }
            boolean regs = gi + needG <= 6 && xi + needX <= 8;
            for (int w = 0; w < words; w++) {
                long v = (w + 1) * 8L <= g.byteSize() ? s.get(JAVA_LONG.withByteAlignment(1), w * 8L) : tail(s, w * 8L, g.byteSize());
                if (!regs) {
                    stack(v);
                } else if (sse[w]) {
                    sse(v);
                } else {
                    word(v);
                }
            }
        }

        private static void classify(MemoryLayout l, long off, boolean[] sse) {
            if (l instanceof GroupLayout g) {
                long o = off;
                for (MemoryLayout m : g.memberLayouts()) {
                    if (g instanceof java.lang.foreign.StructLayout) {
                        classify(m, o, sse);
                        o += m.byteSize();
                    } else {
                        classify(m, off, sse);
                    }
                }
            } else if (l instanceof java.lang.foreign.SequenceLayout q) {
                for (long i = 0; i < q.elementCount(); i++) {
                    classify(q.elementLayout(), off + i * q.elementLayout().byteSize(), sse);
                }
            } else if (!(l instanceof java.lang.foreign.PaddingLayout)
                    && !(l instanceof ValueLayout.OfDouble) && !(l instanceof ValueLayout.OfFloat)) {
                for (long b = off; b < off + l.byteSize(); b += 8) {
                    sse[(int) (b / 8)] = false;
                }
            }
        }

        private static long tail(MemorySegment s, long from, long size) {
            long v = 0;
            for (long i = from; i < size; i++) {
                v |= (s.get(JAVA_BYTE, i) & 0xffL) << (8 * (i - from));
            }
            return v;
        }
    }
}
