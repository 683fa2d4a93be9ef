package org.legionhrt.legion;

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

    /** Marks released and {@return whether the native object should be destroyed now} */
    final boolean release() {
        if (released || !owned) {
            released = true;
            return false;
        }
        released = true;
        return !runtime.isClosed();
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
