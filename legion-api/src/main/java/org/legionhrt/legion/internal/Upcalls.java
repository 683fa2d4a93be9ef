// Upcall stubs: C function pointers that call Java. Every target must catch everything it
// throws — an exception escaping an upcall ends the JVM — so targets are written as
// "try { … } catch (Throwable t) { log; return a safe default }".
package org.legionhrt.legion.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** Creates upcall stubs bound to Java objects (internal). */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
public final class Upcalls {
    private Upcalls() {}

    /**
     * {@return a C function pointer calling {@code target.name} with the Java types of
     * {@code desc}; it lives as long as {@code arena}}
     */
    public static MemorySegment stub(Arena arena, Object target, String name, FunctionDescriptor desc) {
        try {
            MethodType type = desc.toMethodType();
            MethodHandle mh = MethodHandles.privateLookupIn(target.getClass(), MethodHandles.lookup())
                    .findVirtual(target.getClass(), name, type).bindTo(target);
            // SAFETY: desc matches the C callback type of lhrt.h the stub is installed as; the
            // arena outlives every call, as runtimes are destroyed before their arena closes.
            return Linker.nativeLinker().upcallStub(mh, desc, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("upcall target " + name + " not found", e);
        }
    }
}
