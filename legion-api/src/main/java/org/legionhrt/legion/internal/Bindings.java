// Shared plumbing of the generated downcalls: symbol resolution that tolerates missing
// functions (the runtime grows while the API is written against its header) and rethrowing.
package org.legionhrt.legion.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.legionhrt.legion.LegionException;

/** Base of {@link LhrtBindings}: lookup helpers (internal). */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
public abstract class Bindings {

    /** Native calls of the runtime never upcall into Java from the calling thread except through stubs. */
    private static final Linker LINKER = Linker.nativeLinker();

    /** {@return a downcall handle for {@code name}, or null when the library lacks it} */
    static MethodHandle find(SymbolLookup lookup, String name, FunctionDescriptor desc) {
        // SAFETY: the descriptors are generated from lhrt.h; handles are passed as the pointer
        // they wrap, which the SysV ABI treats exactly like a one-pointer struct.
        if (lookup instanceof HrtCalls hrt) {
            return hrt.handle(name, desc);              // backend hrt: call-ring stubs, same types
        }
        return lookup.find(name).map(a -> LINKER.downcallHandle(a, desc)).orElse(null);
    }

    /** {@return mh} @throws LegionException if the backend's library does not provide {@code name} */
    static MethodHandle need(MethodHandle mh, String name) {
        if (mh == null) {
            throw new LegionException(name + " is missing from the runtime library; rebuild it "
                    + "(run ./hrt or mvn package to build legion-hrt-port)");
        }
        return mh;
    }

    /** {@return an unchecked exception for t, unchanged when it already is one} */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
