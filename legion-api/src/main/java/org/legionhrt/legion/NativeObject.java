package org.legionhrt.legion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Base of the API's objects that stand for a runtime object (package-private): the runtime they
 * belong to, the native handle, and whether this Java object owns it. Every use checks that the
 * runtime is open and that the object was not released, so misuse fails in Java, not in C.
 */
abstract sealed class NativeObject permits IndexSpace, FieldSpace, LogicalRegion, Partition {
    final Runtime runtime;
    private final long handle;
    private final boolean owned;
    private volatile boolean released;
    /** The object whose release frees this one too (a region tree for its partitions), or null. */
    private final NativeObject dependsOn;
    /** Held while an object of this tree is destroyed (used on the root: see {@link #release}). */
    private final Object treeLock = new Object();

    NativeObject(Runtime runtime, long handle, boolean owned) {
        this(runtime, handle, owned, null);
    }

    NativeObject(Runtime runtime, long handle, boolean owned, NativeObject dependsOn) {
        this.runtime = runtime;
        this.handle = handle;
        this.owned = owned;
        this.dependsOn = dependsOn;
    }

    /** {@return whether this object, or one it depends on, was released} */
    final boolean isReleased() {
        return released || (dependsOn != null && dependsOn.isReleased());
    }

    /** {@return the native handle} @throws LegionException if this object or its runtime is closed */
    final long handle() {
        runtime.checkOpen();
        if (isReleased()) {
            throw new LegionException(kind() + (released ? " was already closed" : " belongs to a closed region or partition"));
        }
        return handle;
    }

    /** {@return the handle for use by {@code user}, checking both belong to the same runtime} */
    final long handleFor(Runtime user) {
        if (user != runtime) {
            throw new LegionException(kind() + " belongs to another runtime");
        }
        return handle();
    }

    /** {@return the handle without checks (equality, hashing)} */
    final long rawHandle() {
        return handle;
    }

    /** {@return whether the Java object owns (and may destroy) the native object} */
    final boolean owned() {
        return owned;
    }

    /**
     * Releases this object: the first call (of any thread) runs the native {@code destroy}, unless
     * the object is not owned, the runtime closes, or an object it depends on was released (a
     * partition of a destroyed tree went with the tree: destroying it again failed with "… was
     * destroyed"). That check and the destroy hold the tree's lock (its root's), so a partition
     * closed on one thread and its region on another never destroy in the wrong order.
     */
    final void release(java.util.function.IntSupplier destroy, String what) {
        NativeObject root = this;
        while (root.dependsOn != null) {
            root = root.dependsOn;
        }
        synchronized (root.treeLock) {
            if (RELEASED.compareAndSet(this, false, true) && owned && !runtime.isClosed()
                    && (dependsOn == null || !dependsOn.isReleased())) {
                runtime.releaseNative(destroy, what);
            }
        }
    }

    private static final VarHandle RELEASED = flag(MethodHandles.lookup(), "released");

    /** {@return a VarHandle of the boolean field {@code name} of the class of {@code in}} (close-once flags) */
    static VarHandle flag(MethodHandles.Lookup in, String name) {
        try {
            return in.findVarHandle(in.lookupClass(), name, boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    abstract String kind();

    @Override
    public final boolean equals(Object o) {
        return o instanceof NativeObject n && n.runtime == runtime && n.handle == handle && n.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return Long.hashCode(handle);
    }
}
