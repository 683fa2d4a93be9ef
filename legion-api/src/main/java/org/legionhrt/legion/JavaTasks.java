package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Upcalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Java task variants for the runtime (package-private). The runtime's external-executor
 * hook calls {@link #execute} on a runtime worker with the variant's index as its user word;
 * the body runs right there (INLINE, one upcall and one downcall per task) or on a JVM pool
 * (POOL); in QUEUE mode (backend hrt) JVM pollers take bodies from the runtime's queue. A body
 * that waits for other tasks is compensated so that they still get a thread ({@link #blocking}). A body that throws completes its task as failed with a message tagged
 * {@code [java-exception:N]}; the tag brings the exception back as the cause of the
 * {@link TaskFailedException} of that task and of every task that failed because of it. The tag
 * comes first, as the runtime keeps only the head of a long message (see {@link #failureMessage}).
 */
final class JavaTasks {
    private static final Logger LOG = LoggerFactory.getLogger(JavaTasks.class);
    private static final Pattern TAG = Pattern.compile("\\[java-exception:(\\d+)\\]");

    /** A registered Java variant. */
    record JavaVariant(int taskId, String name, ValueType<?> type, JavaTask<?> body) {}

    private final Runtime runtime;
    private final Lhrt lhrt;
    /** POOL mode's threads: a ForkJoinPool, so that a body that blocks is compensated (managedBlock). */
    private final ForkJoinPool pool;
    private final RuntimeConfig.JavaExecution mode;
    private final int workers;
    /** QUEUE mode's pollers, the spares included; guarded by itself. */
    private final List<Thread> pollers = new ArrayList<>();
    /** QUEUE mode: pollers alive, and those of them inside a blocking call made by a body. */
    private final AtomicInteger pollersAlive = new AtomicInteger(), pollersBlocked = new AtomicInteger();
    private final AtomicInteger pollerNames = new AtomicInteger();
    private volatile long queueRuntime;
    /** Variants by task id, for QUEUE mode (the queue hands out contexts only). */
    private final Map<Integer, JavaVariant> byTaskId = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile JavaVariant[] variants = new JavaVariant[0];
    private MemorySegment stub = MemorySegment.NULL;
    /** Recent failures by tag; bounded, the oldest are dropped (their causes then read as null). */
    private final Map<Long, Throwable> failures = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Throwable> e) {
                    return size() > MAX_FAILURES;
                }
            });
    private static final int MAX_FAILURES = 4096;
    private final AtomicLong failureSeq = new AtomicLong();

    JavaTasks(Runtime runtime, Lhrt lhrt, RuntimeConfig.JavaExecution mode, int workers) {
        this.runtime = runtime;
        this.lhrt = lhrt;
        this.mode = mode;
        this.workers = Math.max(1, workers);
        AtomicInteger n = new AtomicInteger();
        this.pool = mode == RuntimeConfig.JavaExecution.POOL ? new ForkJoinPool(this.workers, fjp -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
            t.setName("legion-java-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, null, true) : null;
    }

    /**
     * Installs the executor hook into runtime {@code rt} (the stub lives in {@code arena}), or,
     * in QUEUE mode, switches the runtime to its external queue and starts the pollers.
     */
    void install(long rt, Arena arena) {
        stub = Upcalls.stub(arena, this, "execute",
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
        if (mode != RuntimeConfig.JavaExecution.QUEUE) {
            lhrt.check(lhrt.c.runtimeSetExternalExecutor(rt, stub, MemorySegment.NULL), "lhrt_runtime_set_external_executor");
            return;
        }
        lhrt.check(lhrt.c.runtimeUseExternalQueue(rt), "lhrt_runtime_use_external_queue");
        queueRuntime = rt;
        for (int i = 0; i < workers; i++) {
            pollersAlive.incrementAndGet();
            startPoller();
        }
    }

    /** The thread of a QUEUE-mode poller (a blocking call from its body asks for a spare). */
    private final class Poller extends Thread {
        Poller() {
            super("legion-java-poll-" + pollerNames.getAndIncrement());
            setDaemon(true);
        }

        @Override
        public void run() {
            poll(queueRuntime);
        }

        JavaTasks owner() {
            return JavaTasks.this;
        }
    }

    /** Starts a poller counted in pollersAlive already. */
    private void startPoller() {
        Thread t = new Poller();
        synchronized (pollers) {
            pollers.add(t);
        }
        t.start();
    }

    /**
     * Runs {@code call}, a runtime call that may wait for other tasks (a future's value, a wait
     * for all, an inline mapping, ...). On the thread of a Java body that would leave one poller
     * (QUEUE) or pool thread (POOL) fewer to run the very tasks it waits for: with as many bodies
     * waiting as there are such threads, a parent waiting on its children would hang. So a waiting
     * poller first makes sure that {@code workers} others are not waiting (starting a spare one,
     * up to {@link #MAX_POLLERS}), and a pool thread waits through
     * {@link ForkJoinPool#managedBlock}, which does the same for the pool. In INLINE mode the
     * runtime hands a blocked worker's slot to a spare thread itself.
     */
    <T> T blocking(Supplier<T> call) {
        Thread me = Thread.currentThread();
        if (me instanceof Poller p && p.owner() == this) {
            pollersBlocked.incrementAndGet();
            try {
                addSpareIfNeeded();
                return call.get();
            } finally {
                pollersBlocked.decrementAndGet();
            }
        }
        if (pool != null && me instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
            Blocker<T> b = new Blocker<>(call);
            try {
                ForkJoinPool.managedBlock(b);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LegionException("interrupted while waiting in a Java task");
            }
            return b.result;
        }
        return call.get();
    }

    /** {@link #blocking(Supplier)} for a call with no result. */
    void blocking(Runnable call) {
        blocking(() -> {
            call.run();
            return null;
        });
    }

    /** A call run under ForkJoinPool.managedBlock. */
    private static final class Blocker<T> implements ForkJoinPool.ManagedBlocker {
        private final Supplier<T> call;
        T result;
        private boolean done;

        Blocker(Supplier<T> call) {
            this.call = call;
        }

        @Override
        public boolean block() {
            result = call.get();
            done = true;
            return true;
        }

        @Override
        public boolean isReleasable() {
            return done;
        }
    }

    /** Pollers beyond {@code workers} started for waiting bodies, at most (a program nesting waits deeper is told). */
    static final int MAX_POLLERS = 256;

    private void addSpareIfNeeded() {
        for (;;) {
            int alive = pollersAlive.get();
            if (alive - pollersBlocked.get() >= workers) {
                return;
            }
            if (alive >= workers + MAX_POLLERS) {
                LOG.warn("{} Java task bodies wait for other tasks at once: no spare poller is started beyond {}",
                        pollersBlocked.get(), alive);
                return;
            }
            if (pollersAlive.compareAndSet(alive, alive + 1)) {
                startPoller();
                return;
            }
        }
    }

    /** After a body: a spare poller no longer needed (its waiter returned) ends. {@return whether this one ends} */
    private boolean retireIfSpare() {
        for (;;) {
            int alive = pollersAlive.get();
            if (alive - pollersBlocked.get() <= workers) {
                return false;
            }
            if (pollersAlive.compareAndSet(alive, alive - 1)) {
                return true;
            }
        }
    }

    /**
     * A QUEUE-mode poller: takes ready Java tasks one at a time, each with its snapshot (its id
     * and all a body asks first: one call), until the queue is stopped. One at a time, as a
     * batch would run one body after another while the other pollers idle (measured on hrt: 4
     * bodies of 65 ms took 258 ms on 2 pollers, not 130).
     */
    private void poll(long rt) {
        try (Arena a = Arena.ofConfined()) {
            long cap = TaskContext.SNAPSHOT_GUESS;
            MemorySegment task = a.allocate(8, 8);
            MemorySegment buf = a.allocate(cap, 8);
            MemorySegment size = a.allocate(8, 8);
            MemorySegment n = a.allocate(4);
            while (lhrt.c.runtimePollExternalSnapshot(rt, -1, task, buf, cap, size, n) == 0) {
                if (n.get(JAVA_INT, 0) == 0) {
                    continue;
                }
                long ctx = task.get(JAVA_LONG, 0), need = size.get(JAVA_LONG, 0);
                MemorySegment snapshot;
                try {
                    snapshot = need <= cap ? TaskContext.ownCopy(buf, need) : TaskContext.fetchSnapshot(runtime, ctx);
                } catch (RuntimeException e) {                               // the task fails; the poller goes on
                    if (!(e instanceof LegionException)) {
                        LOG.error("cannot read queued Java task", e);
                    }
                    failQuietly(ctx, "cannot read the queued task: " + e.getMessage());
                    continue;
                }
                JavaVariant v = byTaskId.get(snapshot.get(JAVA_INT, Layouts.S_TASK_ID));
                if (v == null) {
                    failQuietly(ctx, "no Java variant for queued task");
                } else {
                    runGuarded(v, ctx, snapshot);
                }
                if (retireIfSpare()) {
                    return;
                }
            }
        } catch (LegionException e) {
            // The runtime failed (its HRT stopped): the backend and every caller report it already.
            LOG.debug("Java task poller stopped: the runtime failed", e);
        } catch (Throwable t) {
            LOG.error("Java task poller died", t);
        }
    }

    /** {@return whether Java tasks come from the runtime's queue (pollers to stop before destroy)} */
    boolean queued() {
        return mode == RuntimeConfig.JavaExecution.QUEUE;
    }

    /** QUEUE mode: stops the queue and joins the pollers (call once no work is left). */
    void stopPollers(long rt) {
        if (!queued()) {
            return;
        }
        lhrt.c.runtimeStopExternal(rt);
        List<Thread> all;
        synchronized (pollers) {
            all = List.copyOf(pollers);
        }
        for (Thread t : all) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * {@return a non-NULL function pointer to register Java variants with: lhrt_task_register
     * wants one for every kind, though the runtime never calls it for JVM variants}
     */
    MemorySegment placeholderFn() {
        return stub;
    }

    /** {@return the user word to register variant v with} */
    synchronized long add(JavaVariant v) {
        byTaskId.put(v.taskId(), v);
        JavaVariant[] vs = Arrays.copyOf(variants, variants.length + 1);
        vs[vs.length - 1] = v;
        variants = vs;
        return vs.length - 1;
    }

    /** Upcall target: the runtime wants Java variant {@code user} run as task {@code ctx}. */
    @SuppressWarnings("unused")
    private void execute(long host, long ctx, int taskId, long user) {
        try {
            JavaVariant v = variants[(int) user];
            if (pool != null) {
                pool.execute(() -> run(v, ctx, null));
            } else {
                run(v, ctx, null);
            }
        } catch (Throwable t) {
            LOG.error("cannot run Java task {}", taskId, t);
            failQuietly(ctx, "Java executor: " + describe(t));
        }
    }

    /**
     * A poller's {@link #run}: whatever escapes it (not a failed runtime, which ends the poller)
     * fails the task and lets the poller go on, as on backend linux, where the executor hook
     * does the same; a dead poller would leave the task's waiters hanging.
     */
    private void runGuarded(JavaVariant v, long ctx, MemorySegment snapshot) {
        try {
            run(v, ctx, snapshot);
        } catch (LegionException e) {
            throw e;
        } catch (Throwable t) {
            LOG.error("cannot run Java task {}", v.name(), t);
            failQuietly(ctx, "Java executor: " + describe(t));
        }
    }

    /** Runs Java variant {@code v} as task {@code ctx}; {@code snapshot}: the task's, or null to fetch it on need. */
    private void run(JavaVariant v, long ctx, MemorySegment snapshot) {
        TaskContext tc = new TaskContext(runtime, ctx, v.taskId(), v.name(), snapshot);
        Object r;
        try {
            r = v.body().run(tc);
        } catch (Throwable t) {
            tc.finish();
            fail(ctx, v, t);
            return;
        }
        tc.finish();
        try {
            complete(ctx, v.type(), r);
        } catch (Throwable t) {
            fail(ctx, v, t);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> void complete(long ctx, ValueType<T> type, Object r) {
        T value = (T) r;
        long n = type.size(value);
        if (n == 0) {
            lhrt.check(lhrt.c.taskComplete(ctx, MemorySegment.NULL, 0), "lhrt_task_complete");
            return;
        }
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment buf = s.alloc(n);
            type.write(value, buf);
            lhrt.check(lhrt.c.taskComplete(ctx, buf, n), "lhrt_task_complete");
        } finally {
            s.reset(m);
        }
    }

    /** {@return the tag under which failure messages name {@code t} (see causeOf)} */
    long remember(Throwable t) {
        long tag = failureSeq.incrementAndGet();
        failures.put(tag, t);
        return tag;
    }

    private void fail(long ctx, JavaVariant v, Throwable t) {
        long tag = remember(t);
        failQuietly(ctx, failureMessage(tag, "Java task " + v.name(), t));
        try {
            LOG.debug("Java task {} threw", v.name(), t);
        } catch (RuntimeException e) {
            // t's toString() throws (printing its trace calls it): the failure message says so already
        }
    }

    /**
     * Longest description of an exception in a failure message, in chars: the runtime keeps the
     * first 255 bytes of an error (lhrt_last_error), so more would only be cut there, unmarked;
     * this leaves room for the tag and a short task name before it.
     */
    static final int MAX_DESCRIPTION = 200;

    /**
     * {@return the failure message of {@code what} that threw {@code t}, remembered under {@code tag}}
     * The tag comes first so that a cut message (a long exception message, a task name before it
     * in a dependent's message) still names the exception.
     */
    static String failureMessage(long tag, String what, Throwable t) {
        return "[java-exception:" + tag + "] " + what + " threw " + describe(t);
    }

    /**
     * {@return {@code t} as text for a failure message, never throwing} A message that cannot be
     * read (its getMessage() throws) is replaced by why; NULs, which would end the C string, are
     * written as {@code \0}; a long one is cut to {@link #MAX_DESCRIPTION} chars.
     */
    static String describe(Throwable t) {
        String s;
        try {
            s = String.valueOf(t);
        } catch (Throwable inner) {
            String why;
            try {
                why = String.valueOf(inner);
            } catch (Throwable again) {
                why = inner.getClass().getName();
            }
            s = t.getClass().getName() + " (its message could not be read: " + why + ")";
        }
        s = s.replace("\0", "\\0");
        if (s.length() <= MAX_DESCRIPTION) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(MAX_DESCRIPTION - 1)) ? MAX_DESCRIPTION - 1 : MAX_DESCRIPTION;
        return s.substring(0, end) + "...";
    }

    /** Completes task {@code ctx} as failed with {@code msg}; tells, does not throw, when that fails. */
    private void failQuietly(long ctx, String msg) {
        try (Arena a = Arena.ofConfined()) {
            int st = lhrt.c.taskCompleteFailed(ctx, a.allocateFrom(msg));
            if (st != 0) {
                LOG.error("lhrt_task_complete_failed: {}", lhrt.lastError());
            }
        } catch (LegionException e) {
            // The runtime failed (its HRT stopped): callers are told that already; one line will do.
            LOG.warn("cannot fail task: {}", e.getMessage());
        } catch (Throwable t) {
            LOG.error("cannot fail task", t);
        }
    }

    /** {@return the Java exception a runtime failure message refers to, or null} */
    Throwable causeOf(String message) {
        Matcher m = TAG.matcher(message);
        return m.find() ? failures.get(Long.parseLong(m.group(1))) : null;
    }

    /** Stops the pool (after the runtime has finished all work). */
    void shutdown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        failures.clear();
    }
}
