package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.legionhrt.legion.internal.Backend;
import org.legionhrt.legion.internal.CallbackFailures;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running task runtime: its workers, the objects created in it (index and field spaces,
 * regions, tasks, reduction operators) and the top-level {@link Context} to launch from.
 * Start one with {@link #start(RuntimeConfig)} in try-with-resources, or run a whole program
 * with {@link #run(RuntimeConfig, Function)}; closing waits for launched work and frees every
 * native resource of the runtime.
 *
 * <p>Implementation overview: native calls go through {@link Lhrt} (checked bindings of one
 * {@link Backend}); Java task bodies are run by {@link JavaTasks} from the runtime's external
 * executor hook; other upcalls (future callbacks, reductions, projections, mappers) live in
 * this runtime's shared arena, closed after the native runtime is destroyed.
 */
public final class Runtime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Runtime.class);

    final Lhrt lhrt;
    private final Backend backend;
    private final RuntimeConfig config;
    private final long rt;
    private final Context top;
    private final Arena arena = Arena.ofShared();
    private final JavaTasks javaTasks;
    /** Inline mappings of the top-level context not closed yet: close() closes them first. */
    private final Set<PhysicalRegion> openMappings = ConcurrentHashMap.newKeySet();
    private final Callbacks callbacks;
    private final int workers;
    private final long instanceMemory;
    private volatile boolean closed;
    private boolean closing;
    /** Closed futures and future maps not yet released (see {@link #releaseFuture}). */
    private final ReleaseBatch heldFutures;
    private final ReleaseBatch heldFutureMaps;
    private final java.util.concurrent.locks.ReentrantReadWriteLock life = new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** API calls in flight; closed first by {@link #close} (package-private: the API's classes enter it). */
    final CallGate gate = new CallGate(this);
    /** Future maps released per call at most: each holds its launch (~250 bytes a point) until then. */
    private static final int MAP_RELEASE_BATCH = 16;
    private final AtomicInteger nextTaskId = new AtomicInteger(1);
    private final AtomicInteger nextRedop = new AtomicInteger(1024);
    private final AtomicInteger nextProjection = new AtomicInteger(1);
    private final Map<Integer, TaskId<?>> tasks = new ConcurrentHashMap<>();
    private final Map<Integer, ReductionOp<?>> reductions = new ConcurrentHashMap<>();
    private final Map<Long, FieldSpace> fieldSpaces = new ConcurrentHashMap<>();
    private final Map<Integer, LogicalRegion> roots = new ConcurrentHashMap<>();

    private Runtime(RuntimeConfig config, Backend backend) {
        this.config = config;
        this.backend = backend;
        JavaTasks[] jt = new JavaTasks[1];
        Function<String, Throwable> causes = msg -> jt[0] == null ? null : jt[0].causeOf(msg);
        this.lhrt = new Lhrt(backend.lhrt(), causes);
        backend.resolveCausesWith(causes);
        Lhrt c = lhrt;
        int batch = backend.futureReleaseBatch();
        this.heldFutures = new ReleaseBatch(this, "lhrt_future_destroy", batch,
                h -> () -> c.c.futureDestroy(h), (hs, n) -> c.c.futureDestroyAll(hs, n));
        // a held map keeps its launch's point descriptors: fewer at a time
        this.heldFutureMaps = new ReleaseBatch(this, "lhrt_future_map_destroy", Math.min(batch, MAP_RELEASE_BATCH),
                h -> () -> c.c.futureMapDestroy(h), (hs, n) -> c.c.futureMapDestroyAll(hs, n));
        this.rt = create(config);
        try {
            this.workers = lhrt.outInt("lhrt_runtime_get_worker_count", out -> lhrt.c.runtimeGetWorkerCount(rt, out));
            this.top = new Context(this, lhrt.outLong("lhrt_runtime_get_top_context",
                    out -> lhrt.c.runtimeGetTopContext(rt, out)));
            this.javaTasks = jt[0] = new JavaTasks(this, lhrt, config.javaExecution(), workers);
            javaTasks.install(rt, arena);
            this.callbacks = new Callbacks(lhrt, arena);
            backend.onFailure(callbacks::loseAll);      // a lost HRT makes no future ready any more
            this.instanceMemory = config.memorySize() > 0 ? arenaMemory(config.memorySize()) : 0;
        } catch (RuntimeException | Error e) {
            // Errors too (an OutOfMemoryError): else the native runtime and its workers leak.
            if (jt[0] != null) {
                jt[0].stopPollers(rt);
            }
            lhrt.c.runtimeDestroy(rt);
            arena.close();
            throw e;
        }
        LOG.debug("runtime started: backend {}, {} workers, {} Java tasks", backend.name(), workers,
                config.javaExecution());
    }

    private long create(RuntimeConfig cfg) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment c = s.alloc(Layouts.CONFIG.byteSize());
            lhrt.c.configInit(c);
            c.set(JAVA_INT, 4, cfg.workers());
            c.set(JAVA_INT, 8, cfg.pinWorkers() ? 1 : 0);
            if (cfg.spinNs() >= 0) {
                c.set(JAVA_INT, 12, cfg.spinNs());
            }
            MemorySegment out = s.alloc(8);
            lhrt.check(lhrt.c.runtimeCreate(c, out), "lhrt_runtime_create");
            return out.get(JAVA_LONG, 0);
        } finally {
            s.reset(m);
        }
    }

    private long arenaMemory(long size) {
        MemorySegment mem = backend.allocateInstanceArena(arena, size);
        // Zeroed (FFM and the merged region hand out zeroed memory): instances are then cleared
        // only where an earlier one was, not page by page at creation.
        return lhrt.outLong("lhrt_memory_create_from_zeroed_arena", out -> lhrt.c.memoryCreateFromZeroedArena(rt, mem, size, out));
    }

    /** {@return a started runtime} @throws LegionException if the backend or runtime cannot start */
    public static Runtime start(RuntimeConfig config) {
        Backend b = Backend.open(config);
        try {
            return new Runtime(b.configure(config), b);
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    /** {@return a runtime started with the defaults} */
    public static Runtime start() {
        return start(RuntimeConfig.defaults());
    }

    /**
     * Runs a program: starts a runtime, calls {@code main} with its top-level context, waits for
     * all work, closes the runtime.
     *
     * @return what main returned
     */
    public static <T> T run(RuntimeConfig config, Function<Context, T> main) {
        try (Runtime r = start(config)) {
            T v = main.apply(r.context());
            r.context().waitAll();
            return v;
        }
    }

    /** {@return the top-level context, for launches from host threads} */
    public Context context() {
        checkOpen();
        return top;
    }

    /** {@return the configuration the runtime was started with} */
    public RuntimeConfig config() {
        return config;
    }

    /** {@return the backend's name} */
    public String backendName() {
        return backend.name();
    }

    /** {@return the backend (package-private: for tests)} */
    Backend backend() {
        return backend;
    }

    /** {@return the number of worker threads} */
    public int workerCount() {
        checkOpen();
        return workers;
    }

    /** {@return the worker count as the runtime reports it, through a native call each time} */
    public int queryWorkerCount() {
        return gate.call(() -> lhrt.outInt("lhrt_runtime_get_worker_count",
                out -> lhrt.c.runtimeGetWorkerCount(handle(), out)));
    }

    // ---------------------------------------------------------------- spaces and regions

    /** {@return a dense index space over {@code r}} */
    public IndexSpace indexSpace(Rect r) {
        Scratch s = Scratch.get();
        long m = s.mark();
        gate.enter();
        try {
            MemorySegment rect = Values.rect(s, r);
            return new IndexSpace(this, lhrt.outLong("lhrt_index_space_create_rect",
                    out -> lhrt.c.indexSpaceCreateRect(handle(), rect, out)), true);
        } finally {
            gate.exit();
            s.reset(m);
        }
    }

    /** {@return a 1-D index space 0..n-1} */
    public IndexSpace indexSpace(long n) {
        return indexSpace(Rect1.of(0, n - 1));
    }

    /** {@return a (possibly sparse) index space: the union of {@code rects} (same dimension, may overlap)} */
    public IndexSpace indexSpace(List<? extends Rect> rects) {
        if (rects.isEmpty()) {
            throw new LegionException("an index space of rectangles needs at least one (its dimension)");
        }
        int dim = rects.getFirst().dim();
        Scratch s = Scratch.get();
        long m = s.mark();
        gate.enter();
        try {
            long sz = Layouts.RECT.byteSize();
            MemorySegment arr = s.alloc(sz * rects.size());
            for (int i = 0; i < rects.size(); i++) {
                Values.putRect(arr, i * sz, rects.get(i));
            }
            return new IndexSpace(this, lhrt.outLong("lhrt_index_space_create_rects",
                    out -> lhrt.c.indexSpaceCreateRects(handle(), dim, arr, rects.size(), out)), true);
        } finally {
            gate.exit();
            s.reset(m);
        }
    }

    /** {@return a sparse index space of the given points (same dimension)} */
    public IndexSpace indexSpaceOfPoints(List<? extends Point> points) {
        if (points.isEmpty()) {
            throw new LegionException("an index space of points needs at least one (its dimension)");
        }
        int dim = points.getFirst().dim();
        Scratch s = Scratch.get();
        long m = s.mark();
        gate.enter();
        try {
            long sz = Layouts.POINT.byteSize();
            MemorySegment arr = s.alloc(sz * points.size());
            for (int i = 0; i < points.size(); i++) {
                Values.putPoint(arr, i * sz, points.get(i));
            }
            return new IndexSpace(this, lhrt.outLong("lhrt_index_space_create_points",
                    out -> lhrt.c.indexSpaceCreatePoints(handle(), dim, arr, points.size(), out)), true);
        } finally {
            gate.exit();
            s.reset(m);
        }
    }

    /** {@return a new, empty field space} */
    public FieldSpace fieldSpace() {
        return gate.call(() -> FieldSpace.create(this));
    }

    /** {@return a new root region over {@code is} × {@code fs}} */
    public LogicalRegion createRegion(IndexSpace is, FieldSpace fs) {
        return gate.call(() -> createRegionNow(is, fs));
    }

    private LogicalRegion createRegionNow(IndexSpace is, FieldSpace fs) {
        long h = lhrt.outLong("lhrt_region_create", out -> lhrt.c.regionCreate(handle(), is.handleFor(this),
                fs.handleFor(this), out));
        LogicalRegion r = new LogicalRegion(this, h, true, is, fs, null, null);
        if (instanceMemory != 0) {
            lhrt.check(lhrt.c.regionSetLayout(h, 0, instanceMemory), "lhrt_region_set_layout");
        }
        roots.put(r.treeId(), r);
        return r;
    }

    // ---------------------------------------------------------------- tasks

    /** {@return a new task whose Java body returns a value of {@code result}} */
    public <R> TaskId<R> registerTask(String name, ValueType<R> result, JavaTask<R> body) {
        return registerTask(nextTaskId.getAndIncrement(), name, result, body);
    }

    /** {@return task {@code id} with a Java body (add a native variant with {@link #registerNativeVariant})} */
    public <R> TaskId<R> registerTask(int id, String name, ValueType<R> result, JavaTask<R> body) {
        return gate.call(() -> registerJavaTask(id, name, result, body));
    }

    private <R> TaskId<R> registerJavaTask(int id, String name, ValueType<R> result, JavaTask<R> body) {
        TaskId<R> t = declare(id, name, result);
        long user = javaTasks.add(new JavaTasks.JavaVariant(id, name, result, body));
        try (Arena a = Arena.ofConfined()) {
            lhrt.check(lhrt.c.taskRegister(handle(), id, a.allocateFrom(name), Variant.JAVA.code, javaTasks.placeholderFn(),
                    MemorySegment.ofAddress(user)), "registering Java task " + name);
        }
        return t;
    }

    /** {@return a new task with no result whose Java body is {@code body}} */
    public TaskId<Void> registerTask(String name, TaskBody body) {
        return registerTask(name, ValueType.VOID, ctx -> {
            body.run(ctx);
            return null;
        });
    }

    /**
     * Registers every method of {@code kernels} annotated {@link LegionTask} as a Java task
     * (static methods too, when {@code kernels} is a {@code Class}).
     *
     * @return the tasks by name
     * @throws LegionException if a method's signature does not fit
     */
    public Map<String, TaskId<?>> registerTasks(Object kernels) {
        Map<String, TaskId<?>> out = new java.util.LinkedHashMap<>();
        Class<?> cls = kernels instanceof Class<?> c ? c : kernels.getClass();
        Object target = kernels instanceof Class<?> ? null : kernels;
        for (java.lang.reflect.Method m : cls.getDeclaredMethods()) {
            LegionTask a = m.getAnnotation(LegionTask.class);
            if (a != null) {
                TaskId<?> t = AnnotatedTasks.register(this, a, m, target);
                out.put(t.name(), t);
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A Java task body without a result. */
    @FunctionalInterface
    public interface TaskBody {
        /** Runs the task. @param ctx its context @throws Exception to fail it */
        void run(TaskContext ctx) throws Exception;
    }

    /**
     * {@return a new task whose only variant is native: {@code symbol} in shared library
     * {@code library} (an {@code lhrt_task_fn})}
     */
    public <R> TaskId<R> registerNativeTask(String name, ValueType<R> result, Path library, String symbol) {
        TaskId<R> t = declare(nextTaskId.getAndIncrement(), name, result);
        registerNativeVariant(t, library, symbol);
        return t;
    }

    /** Adds a native variant ({@code symbol} in {@code library}) to {@code task}. */
    public void registerNativeVariant(TaskId<?> task, Path library, String symbol) {
        checkTask(task);
        gate.enter();
        try (Arena a = Arena.ofConfined()) {
            lhrt.check(lhrt.c.taskRegisterNativeSymbol(handle(), task.id(), a.allocateFrom(task.name()),
                    a.allocateFrom(library.toAbsolutePath().toString()), a.allocateFrom(symbol), MemorySegment.NULL),
                    "registering native variant " + symbol + " of task " + task.name());
        } finally {
            gate.exit();
        }
    }

    private <R> TaskId<R> declare(int id, String name, ValueType<R> result) {
        TaskId<R> t = new TaskId<>(id, name, result);
        TaskId<?> old = tasks.putIfAbsent(id, t);
        if (old != null && (!old.name().equals(name) || old.resultType() != result)) {
            throw new LegionException("task id " + id + " is already " + old.name());
        }
        return t;
    }

    void checkTask(TaskId<?> t) {
        if (tasks.get(t.id()) != t && !t.equals(tasks.get(t.id()))) {
            throw new LegionException("task " + t.name() + " (id " + t.id() + ") is not registered with this runtime");
        }
    }

    // ---------------------------------------------------------------- reductions, projections, mapper

    /**
     * {@return a user reduction operator over fixed-size {@code type}: {@code op} folds two
     * values, {@code identity} is its neutral element}
     */
    public <T> ReductionOp<T> registerReduction(String name, ValueType<T> type, T identity, BinaryOperator<T> op) {
        return gate.call(() -> registerReductionNow(name, type, identity, op));
    }

    private <T> ReductionOp<T> registerReductionNow(String name, ValueType<T> type, T identity, BinaryOperator<T> op) {
        long size = type.size(identity);
        if (size <= 0) {
            throw new LegionException("reduction " + name + " needs a fixed-size value type");
        }
        int id = nextRedop.getAndIncrement();
        MemorySegment stub = callbacks.redopStub(new Callbacks.RedopKernel<>(type, size, op,
                t -> callbackFailed("reduction " + name, t)));
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment ident = s.alloc(size);
            type.write(identity, ident);
            lhrt.check(lhrt.c.redopRegister(handle(), id, (int) size, ident, stub, stub, MemorySegment.NULL),
                    "registering reduction " + name);
        } finally {
            s.reset(m);
        }
        ReductionOp<T> r = new ReductionOp<>(id, name, type, null, op, this);
        reductions.put(id, r);
        return r;
    }

    /** {@return the reduction operator with {@code id} (built-in or registered here)} */
    ReductionOp<?> reduction(int id) {
        if (id > 0 && id < 1 + 4 * 4) {
            ValueType<?>[] ts = {ValueType.INT, ValueType.LONG, ValueType.FLOAT, ValueType.DOUBLE};
            return ReductionOp.builtin(ReductionOp.Op.values()[(id - 1) / 4], ts[(id - 1) % 4]);
        }
        ReductionOp<?> r = reductions.get(id);
        if (r == null) {
            throw new LegionException("unknown reduction operator " + id);
        }
        return r;
    }

    /** {@return a new projection functor computing colors with {@code fn}} */
    public Projection registerProjection(Projection.ProjectionFunction fn) {
        return gate.call(() -> registerProjectionNow(fn));
    }

    private Projection registerProjectionNow(Projection.ProjectionFunction fn) {
        int id = nextProjection.getAndIncrement();
        MemorySegment stub = callbacks.projectionStub(new Callbacks.ProjectionKernel(fn,
                t -> callbackFailed("projection " + id, t)));
        lhrt.check(lhrt.c.projectionRegister(handle(), id, stub, MemorySegment.NULL), "lhrt_projection_register");
        return new Projection(id);
    }

    /** Installs {@code mapper} (methods it does not override stay the runtime's defaults). */
    public void setMapper(Mapper mapper) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment mp = s.alloc(Layouts.MAPPER.byteSize());
            gate.run(() -> {
                MapperBridge.fill(mapper, this, mp, arena);
                lhrt.check(lhrt.c.runtimeSetMapper(handle(), mp), "lhrt_runtime_set_mapper");
            });
        } finally {
            s.reset(m);
        }
    }

    /** {@return a ready future holding {@code value}} */
    public <T> Future<T> futureOf(ValueType<T> type, T value) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            long n = type.size(value);
            MemorySegment buf = n == 0 ? MemorySegment.NULL : s.alloc(n);
            if (n > 0) {
                type.write(value, buf);
            }
            return new Future<>(this, gate.call(() -> lhrt.outLong("lhrt_future_from_value",
                    out -> lhrt.c.futureFromValue(handle(), buf, n, out))), type);
        } finally {
            s.reset(m);
        }
    }

    // ---------------------------------------------------------------- tracing

    /**
     * Starts or stops recording task bodies, a profile of where the time went (off by default).
     * While on, every body the runtime runs leaves a {@link TaskRecord}, kept until
     * {@link #drainTrace}; switching it off keeps what was not drained yet. A record costs its
     * task two clock reads and a store (tens of nanoseconds).
     */
    public void setTracing(boolean on) {
        gate.run(() -> lhrt.check(lhrt.c.runtimeSetTracing(handle(), on ? 1 : 0), "lhrt_runtime_set_tracing"));
        if (on) {
            traceLoadMark = backend.callServerLoad();
        }
    }

    /**
     * {@return the bodies recorded since tracing began or the last drain} Bodies still running
     * are not in it: wait for the work first ({@link Context#waitAll}).
     */
    public TaskTrace drainTrace() {
        return gate.call(this::drainTraceNow);
    }

    private TaskTrace drainTraceNow() {
        checkOpen();
        java.util.List<TaskRecord> records = Tracing.drain(lhrt, rt, tasks);
        long lost = lhrt.outLong("lhrt_runtime_trace_lost", out -> lhrt.c.runtimeTraceLost(rt, out));
        long[] load = backend.callServerLoad(), mark = traceLoadMark;
        traceLoadMark = load;                               // the next drain covers what comes after
        TaskTrace.CallServerLoad server = load == null || mark == null ? null
                : new TaskTrace.CallServerLoad(load[0] - mark[0], load[1] - mark[1]);
        return new TaskTrace(backend.name(), workers, records, lost, server);
    }

    /** The call server's load when tracing was last switched on or drained (backend hrt). */
    private volatile long[] traceLoadMark;

    // ---------------------------------------------------------------- lifecycle and plumbing

    /**
     * Waits for all launched work, stops the workers and frees every native resource. Calls
     * racing with it from other threads either end before the runtime is destroyed (those
     * already under way: a wait for a future returns when its task has run) or fail with a
     * {@link LegionException} saying the runtime is closed (those begun after close); the Java
     * bodies of pending tasks go on calling the API until they end. Early releases racing with
     * it (a future closed on another thread) are skipped safely: the runtime frees those
     * objects itself.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        gate.close();
        int st = 0;
        // A runtime whose backend failed, and said so to a caller already, is only released: the
        // failure told it was lost, and try-with-resources code that handled it gets no second one.
        boolean failureKnown = backend.failureReported();
        try {
            // First the mappings, as a call in flight may wait to map a region one of them holds;
            // then those that calls in flight made before they ended.
            closeOpenMappings();
            gate.awaitDrained();
            closeOpenMappings();
            if (javaTasks.queued()) {
                // Queue pollers must run until the work is done, and be stopped before destroy.
                try {
                    lhrt.c.contextWaitAll(top.handle());
                } catch (LegionException e) {
                    stopPollersAfter(e);    // e.g. a deferred launch's error: no poller may outlive the backend
                    throw e;
                }
                javaTasks.stopPollers(rt);
            }
            life.writeLock().lock();
            try {
                st = lhrt.c.runtimeDestroy(rt);
                closed = true;
            } finally {
                life.writeLock().unlock();
            }
        } catch (LegionException e) {
            if (!failureKnown) {
                throw e;
            }
            LOG.debug("closing a runtime whose backend had failed", e);
        } finally {
            // Also when the backend failed (an HVM that died): release it so a new runtime can start.
            closed = true;
            // A failed backend's callbacks hear of its failure, also where the thread that saw it is
            // still telling them (another thread may have thrown it already and closed the runtime).
            LegionException lost = backend.failure();
            callbacks.loseAll(lost != null ? lost : new LegionException("the runtime was closed before the future was ready"));
            javaTasks.shutdown();
            arena.close();
            backend.close();
        }
        LOG.debug("runtime closed");
        lhrt.check(st, "lhrt_runtime_destroy");
    }

    /** Stops the queue's pollers after the wait for all work threw {@code e}; what stopping throws is added to e. */
    private void stopPollersAfter(LegionException e) {
        try {
            javaTasks.stopPollers(rt);
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
    }

    /**
     * Runs {@code destroy} (a native release of one object) unless the runtime is closed or
     * being closed, in which case the runtime frees the object itself. Never blocks on close.
     */
    void releaseNative(java.util.function.IntSupplier destroy, String what) {
        if (!life.readLock().tryLock()) {
            return;
        }
        try {
            if (!closed) {
                lhrt.check(destroy.getAsInt(), what);
            }
        } finally {
            life.readLock().unlock();
        }
    }

    /**
     * Releases a closed future's handle: at once, or (backends where each call is a round trip,
     * {@link Backend#futureReleaseBatch}) held until a batch is full and released in one call.
     */
    void releaseFuture(long handle) {
        heldFutures.release(handle);
    }

    /** Releases a closed future map's handle, batched like futures' (a batch holds its launches). */
    void releaseFutureMap(long handle) {
        heldFutureMaps.release(handle);
    }

    /** {@return whether the runtime was closed} */
    public boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new LegionException("the runtime is closed");
        }
    }

    long handle() {
        checkOpen();
        return rt;
    }

    long instanceMemory() {
        return instanceMemory;
    }

    Callbacks callbacks() {
        return callbacks;
    }

    void registerFieldSpace(FieldSpace fs) {
        fieldSpaces.put(fs.rawHandle(), fs);
    }

    /** {@return the Java view of a region handle the runtime gave a task} */
    LogicalRegion regionOf(long h) {
        int tree;
        long ish, fsh;
        Scratch s = Scratch.get();
        long m = s.mark();
        try {                                   // one call for the three (a round trip each on hrt)
            MemorySegment out = s.alloc(24);
            lhrt.check(lhrt.c.regionGetInfo(h, out, out.asSlice(8, 8), out.asSlice(16, 8)), "lhrt_region_get_info");
            tree = out.get(JAVA_INT, 0);
            ish = out.get(JAVA_LONG, 8);
            fsh = out.get(JAVA_LONG, 16);
        } finally {
            s.reset(m);
        }
        return regionOf(h, tree, ish, fsh);
    }

    /** The region {@code h} of tree {@code tree} over index space {@code ish} and field space {@code fsh}. */
    LogicalRegion regionOf(long h, int tree, long ish, long fsh) {
        LogicalRegion root = roots.get(tree);
        if (root != null && root.rawHandle() == h) {
            return root;
        }
        FieldSpace fs = fieldSpaces.get(fsh);
        if (fs == null) {
            throw new LegionException("task region of an unknown field space");
        }
        return new LogicalRegion(this, h, false, new IndexSpace(this, ish, false), fs, root, null);
    }

    /** {@return the Java bodies' runner: blocking calls go through it (package-private)} */
    JavaTasks javaTasks() {
        return javaTasks;
    }

    /** Counts a top-level inline mapping as open (see closeOpenMappings). */
    void keepMapping(PhysicalRegion m) {
        openMappings.add(m);
    }

    /** A mapping was closed. */
    void forgetMapping(PhysicalRegion m) {
        openMappings.remove(m);
    }

    /**
     * Closes the inline mappings the program left open: a mapping holds its region like a running
     * task, so waiting for all work would wait for it forever, and its accessors must fail, not
     * read freed memory, once the runtime is gone.
     */
    private void closeOpenMappings() {
        List<PhysicalRegion> left = List.copyOf(openMappings);
        if (!left.isEmpty()) {
            LOG.warn("closing {} inline mapping(s) left open (close a PhysicalRegion from Context.map when done)", left.size());
        }
        for (PhysicalRegion m : left) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a mapping left open", e);
            }
        }
    }

    /**
     * A Java reduction operator or projection functor ({@code what}) threw: the runtime fails the
     * operation that ran it (the reducing task, the result reduction, the copy, the launch) with a
     * message whose tag brings {@code t} back as the cause. On linux the callback runs on the
     * runtime's thread, which is told directly; on hrt it runs in the request handler, which
     * answers the HRT's proxy with the tag.
     */
    private void callbackFailed(String what, Throwable t) {
        long tag = javaTasks.remember(t);
        if (backend.name().equals("hrt")) {
            CallbackFailures.report(tag);
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            lhrt.c.callbackFail(a.allocateFrom(JavaTasks.failureMessage(tag, what, t)));
        }
    }
}
