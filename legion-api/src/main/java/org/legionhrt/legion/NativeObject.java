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

    NativeObject(Runtime runtime, long handle, boolean owned) {
        this.runtime = runtime;
        this.handle = handle;
        this.owned = owned;
    }

    /** {@return the native handle} @throws LegionException if this object or its runtime is closed */
    final long handle() {
        runtime.checkOpen();
        if (released) {
            throw new LegionException(kind() + " was already closed");
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
