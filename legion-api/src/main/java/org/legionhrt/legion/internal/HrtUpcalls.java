// Java callbacks on backend hrt (the JVM side of legion-hrt-port/hrt/upcall.h). Where a C API
// call installs a Java upcall stub (reduction operator, projection functor, mapper method,
// future callback, external executor), HrtCalls passes the HRT proxy of that callback type
// instead, with `user` naming a slot here; the proxy asks ROS handler HANDLER over the HVM's
// request path, and the handler calls the original stub through a downcall handle (legal FFM)
// with pointers the proxy made visible in the merged region.
package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.legionhrt.hvm.ring.RosHandler;
import org.legionhrt.legion.LegionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slots of one HRT runtime's Java callbacks and the ROS handler that runs them (internal).
 *
 * <p>Threads: a callback runs on a request-ring thread or, when none is polling, on the vCPU
 * thread of the HRT CPU that waits for it. While it runs, that HRT thread waits; when it is the
 * call server's (CPU 0), a runtime call from the callback could never be served, so such a
 * call is refused with a LegionException instead of hanging (the mapper bridge's one call,
 * the region's tree id, is answered from the request). Future callbacks, which read the
 * future's value, run afterwards on a thread of their own ({@link #drain} before the runtime
 * is destroyed). One JVM thread serves the request ring, so a callback must not make a runtime
 * call that itself needs a Java callback.
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
final class HrtUpcalls implements RosHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HrtUpcalls.class);
    /** The ROS handler id of callbacks (HrtCalls.ASYNC_DONE is 1). */
    static final int HANDLER = 2;
    /** Request-ring threads: one, spinning between the requests of a burst, parked otherwise (a callback must not start another: see above). */
    static final int REQUEST_THREADS = 1;
    private static final int NBUFS = 32;
    private static final long BUFSIZE = 64 << 10;
    /** Callbacks this close together go by the request ring, not one exit each (upcall.h; -Dlegionhrt.hrt.upcallBurstUs, 0 = never). */
    private static final long BURST_US = 500;
    private static final long POINT = 32, RECT = 56, INFO = 56, SLICING = 16, LAYOUT_AND_TREE = 20, MAPPER = 40;

    /** A C callback type of lhrt.h, its HRT proxy and the descriptor the stub is called with. */
    enum Kind {
        APPLY("lhrt_hrt_up_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)),
        FOLD("lhrt_hrt_up_fold", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)),
        PROJECT("lhrt_hrt_up_project", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
        WORKER("lhrt_hrt_up_worker", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
        KIND("lhrt_hrt_up_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)),
        LAYOUT("lhrt_hrt_up_layout", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS)),
        SLICE("lhrt_hrt_up_slice", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)),
        READY("lhrt_hrt_up_ready", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT)),
        EXTERNAL("lhrt_hrt_up_external", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));

        final String proxy;
        final FunctionDescriptor desc;

        Kind(String proxy, FunctionDescriptor desc) {
            this.proxy = proxy;
            this.desc = desc;
        }
    }

    /** One installed callback: the Java stub as a downcall, the user word it was given, the element size of a reduction. */
    private record Slot(Kind kind, MethodHandle target, long user, long elemSize) {}

    /** What the current thread is serving: the waiting HRT CPU and, for a layout, the root's tree id. */
    private record Serving(int cpu, long treeRoot, int treeId) {}

    private final HrtCalls calls;
    private final HrtMemory mem;
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, MethodHandle> downcalls = new ConcurrentHashMap<>();
    private final AtomicInteger nextSlot = new AtomicInteger(1);
    private final ThreadLocal<Serving> serving = new ThreadLocal<>();
    private final AtomicInteger deferred = new AtomicInteger();
    private final ExecutorService later = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("lhrt-hrt-callbacks").daemon(true).unstarted(r));
    private volatile long[] proxies;
    private volatile boolean closing;
    /** Callbacks run and the time spent running them in Java, for the overhead figures. */
    private final java.util.concurrent.atomic.AtomicLong upcalls = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong javaNanos = new java.util.concurrent.atomic.AtomicLong();

    HrtUpcalls(HrtCalls calls, HrtMemory mem) {
        this.calls = calls;
        this.mem = mem;
    }

    // ------------------------------------------------------------------ ROS -> HRT: installing

    /**
     * Before C API call {@code name} goes to the HRT: swaps Java stubs in {@code a} for HRT
     * proxies, answers what a callback may not ask the waiting HRT, refuses what would deadlock.
     *
     * @return the call's result when answered here, else null (make the call with {@code a})
     */
    Object intercept(String name, Object[] a) {
        Serving s = serving.get();
        if (s != null) {
            if (name.equals("lhrt_region_get_tree_id") && (Long) a[0] == s.treeRoot) {
                ((MemorySegment) a[1]).set(JAVA_INT, 0, s.treeId);
                return 0;
            }
            if (s.cpu == 0) {
                throw new LegionException("backend hrt: a Java callback called " + name + " while the runtime's call "
                        + "server waits for that callback; this would deadlock (on backend hrt, reductions, projections "
                        + "and mapper methods run while the HRT waits: they must not call the runtime)");
            }
        }
        switch (name) {
            case "lhrt_redop_register" -> redop(a);
            case "lhrt_projection_register" -> a[2] = install(Kind.PROJECT, a, 2, 3, 0);
            case "lhrt_runtime_set_mapper" -> mapper(a);
            case "lhrt_future_on_ready" -> future(a);
            case "lhrt_runtime_set_external_executor" -> external(a);
            case "lhrt_runtime_destroy" -> drain();
            default -> { }
        }
        return null;
    }

    private static boolean isNull(Object o) {
        return o == null || ((MemorySegment) o).address() == 0;
    }

    private void redop(Object[] a) {
        if (isNull(a[4]) && isNull(a[5])) {
            return;
        }
        MemorySegment d = desc();
        long user = ((MemorySegment) a[6]).address();
        int elem = (Integer) a[2];
        d.set(JAVA_INT, 16, elem);
        long[] p = proxies();
        if (!isNull(a[4])) {
            d.set(JAVA_INT, 0, slot(Kind.APPLY, (MemorySegment) a[4], user, elem));
            a[4] = MemorySegment.ofAddress(p[Kind.APPLY.ordinal()]);
        }
        if (!isNull(a[5])) {
            d.set(JAVA_INT, 4, slot(Kind.FOLD, (MemorySegment) a[5], user, elem));
            a[5] = MemorySegment.ofAddress(p[Kind.FOLD.ordinal()]);
        }
        a[6] = d;
    }

    /** Replaces stub a[fn] (user a[user]) by {@code kind}'s proxy with a desc naming the slot in word {@code word}. */
    private MemorySegment install(Kind kind, Object[] a, int fn, int user, int word) {
        if (isNull(a[fn])) {
            return (MemorySegment) a[fn];
        }
        MemorySegment d = desc();
        d.set(JAVA_INT, 4L * word, slot(kind, (MemorySegment) a[fn], ((MemorySegment) a[user]).address(), 0));
        a[user] = d;
        return MemorySegment.ofAddress(proxies()[kind.ordinal()]);
    }

    private void mapper(Object[] a) {
        if (isNull(a[1])) {
            return;
        }
        // SAFETY: lhrt_mapper_t {user, 4 function pointers}, as the bindings pass it.
        MemorySegment m = ((MemorySegment) a[1]).reinterpret(MAPPER);
        MemorySegment copy = Arena.ofAuto().allocate(MAPPER, 8);   // staged into the merged region by HrtCalls
        MemorySegment d = desc();
        long user = m.get(JAVA_LONG, 0);
        Kind[] kinds = {Kind.WORKER, Kind.KIND, Kind.LAYOUT, Kind.SLICE};
        long[] p = proxies();
        copy.set(JAVA_LONG, 0, d.address());
        for (int i = 0; i < 4; i++) {
            long fn = m.get(JAVA_LONG, 8 + 8L * i);
            if (fn != 0) {
                d.set(JAVA_INT, 4L * i, slot(kinds[i], MemorySegment.ofAddress(fn), user, 0));
                copy.set(JAVA_LONG, 8 + 8L * i, p[kinds[i].ordinal()]);
            }
        }
        a[1] = copy;
    }

    private void future(Object[] a) {
        if (!isNull(a[1])) {
            int id = slot(Kind.READY, (MemorySegment) a[1], ((MemorySegment) a[2]).address(), 0);
            a[1] = MemorySegment.ofAddress(proxies()[Kind.READY.ordinal()]);
            a[2] = MemorySegment.ofAddress(id);
        }
    }

    private void external(Object[] a) {
        if (!isNull(a[1])) {
            int id = slot(Kind.EXTERNAL, (MemorySegment) a[1], ((MemorySegment) a[2]).address(), 0);
            a[1] = MemorySegment.ofAddress(proxies()[Kind.EXTERNAL.ordinal()]);
            a[2] = MemorySegment.ofAddress(id);
        }
    }

    /** {@return a zeroed lhrt_hrt_upcall_desc in the merged region (kept for the HVM's life: callbacks stay installed)} */
    private MemorySegment desc() {
        MemorySegment d = mem.allocate(32, 16);
        d.fill((byte) 0);
        return d;
    }

    private int slot(Kind kind, MemorySegment stub, long user, long elemSize) {
        MethodHandle mh = downcalls.computeIfAbsent(kind.name() + "@" + stub.address(),
                // SAFETY: stub is a Java upcall stub of this C callback type (Callbacks, MapperBridge,
                // JavaTasks); calling an upcall stub through a downcall of its own type is legal FFM.
                k -> Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(stub.address()), kind.desc));
        int id = nextSlot.getAndIncrement();
        slots.put(id, new Slot(kind, mh, user, elemSize));
        return id;
    }

    /** {@return the HRT addresses of the proxies, by Kind; the HRT side set up on first use} */
    private long[] proxies() {
        long[] p = proxies;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (proxies == null) {
                proxies = setUp();
            }
            return proxies;
        }
    }

    private long[] setUp() {
        long[] p = new long[Kind.values().length];
        for (Kind k : Kind.values()) {
            p[k.ordinal()] = calls.lookup(k.proxy);
            if (p[k.ordinal()] == 0) {
                throw new LegionException("backend hrt: the HRT image lacks " + k.proxy + " (Java callbacks); rebuild "
                        + "legion-hrt-port/hrt (make -C legion-hrt-port/hrt all)");
            }
        }
        MemorySegment pool = mem.allocate(NBUFS * BUFSIZE, 64);
        MethodHandle setup = calls.handle("lhrt_hrt_upcall_setup",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        long burstNs = Long.getLong("legionhrt.hrt.upcallBurstUs", BURST_US) * 1000;
        int rc;
        try {
            rc = setup == null ? -1 : (int) setup.invokeExact(HANDLER, pool.address(), NBUFS, BUFSIZE, burstNs);
        } catch (Throwable t) {
            throw Bindings.rethrow(t);
        }
        if (rc != 0) {
            throw new LegionException("backend hrt: the HRT refused to set up Java callbacks (" + rc + ")");
        }
        return p;
    }

    // ------------------------------------------------------------------ HRT -> ROS: running

    @Override
    public long handle(long[] args) {
        int id = (int) args[0];
        Slot s = slots.get(id);
        if (s == null) {
            throw new LegionException("backend hrt: the HRT called Java callback slot " + id + ", which is not installed");
        }
        upcalls.incrementAndGet();
        if (s.kind == Kind.READY) {
            slots.remove(id);                 // a future callback fires once
            defer(s, (int) args[1]);
            return 0;
        }
        Serving prev = serving.get();
        int cpu = (int) (args[0] >>> 32);
        serving.set(s.kind == Kind.LAYOUT
                ? new Serving(cpu, args[1], visible(args[3], LAYOUT_AND_TREE).get(JAVA_INT, 16)) : new Serving(cpu, 0, 0));
        long t0 = System.nanoTime();
        try {
            return run(s, args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            serving.set(prev);
            javaNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private long run(Slot s, long[] a) throws Throwable {
        MemorySegment user = MemorySegment.ofAddress(s.user);
        switch (s.kind) {
            case APPLY, FOLD -> {
                CallbackFailures.take();
                long bytes = bytes(a[3], s.elemSize);
                s.target.invokeExact(visible(a[1], bytes), visible(a[2], bytes), a[3], user);
                return CallbackFailures.take();   // 0, or the tag of the exception the operator threw
            }
            case PROJECT -> {
                CallbackFailures.take();
                int r = (int) s.target.invokeExact(visible(a[1], POINT), visible(a[2], RECT), visible(a[3], POINT), user);
                long tag = CallbackFailures.take();
                return tag != 0 ? tag << 1 | 1 : r;   // a functor that threw: the proxy reports the tag
            }
            case WORKER -> {
                return (int) s.target.invokeExact(user, visible(a[1], INFO));
            }
            case KIND -> {
                return (int) s.target.invokeExact(user, visible(a[1], INFO), (int) a[2]) & 0xffffffffL;
            }
            case LAYOUT -> {
                s.target.invokeExact(user, a[1], a[2], visible(a[3], LAYOUT_AND_TREE));
                return 0;
            }
            case SLICE -> {
                s.target.invokeExact(user, visible(a[1], INFO), visible(a[2], SLICING));
                return 0;
            }
            case EXTERNAL -> {
                s.target.invokeExact(user, a[1], (int) a[2], MemorySegment.ofAddress(a[3]));
                return 0;
            }
            default -> throw new IllegalStateException("callback kind " + s.kind);
        }
    }

    /**
     * {@return the address as a pointer argument} @throws LegionException when it is not in the
     * merged region: the Java callback could not read it (the HRT proxy bounces what is not)
     */
    /** {@return count elements of size bytes, or -1 (never visible) for a count the guest made up: negative or overflowing} */
    private static long bytes(long count, long size) {
        try {
            return count < 0 ? -1 : Math.multiplyExact(count, size);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private MemorySegment visible(long address, long size) {
        if (address == 0 || !mem.contains(address, size)) {
            throw new LegionException("backend hrt: a callback argument (0x" + Long.toHexString(address) + ", " + size
                    + " bytes) is not in the merged region; the callback was not run");
        }
        // SAFETY: checked above to lie in the merged region, which outlives every callback.
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /** A future callback, after the HRT's wait: it reads the future, which needs calls the waiting HRT could not serve. */
    private void defer(Slot s, int status) {
        deferred.incrementAndGet();
        try {
            later.execute(() -> {
                calls.active.incrementAndGet();
                try {
                    if (!closing) {
                        s.target.invokeExact(MemorySegment.ofAddress(s.user), status);
                    }
                } catch (Throwable t) {
                    LOG.error("future callback failed", t);
                } finally {
                    calls.active.decrementAndGet();
                    deferred.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            deferred.decrementAndGet();
        }
    }

    /** Waits (up to 10 s) for the future callbacks handed over so far: they run before the runtime goes. */
    private void drain() {
        long end = System.nanoTime() + 10_000_000_000L;
        while (deferred.get() > 0 && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    /** No callback runs after this (the HVM and its merged region are about to go). */
    void close() {
        closing = true;
        LOG.debug("backend hrt: {} Java callbacks, {} us running them", upcalls.get(), javaNanos.get() / 1000);
        later.shutdown();
        try {
            later.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
