package org.legionhrt.legion;

import java.lang.foreign.MemorySegment;

/**
 * How a Java value travels through the runtime as bytes: task arguments, task results (future
 * values) and reduction operands. The built-ins use the platform's native byte order, as C
 * kernels see them; {@code lhrtType} ties the numeric ones to the C runtime's built-in
 * reduction operators.
 *
 * @param <T> the Java type
 */
public interface ValueType<T> {

    /** No value (tasks that return nothing); encodes as zero bytes and decodes to null. */
    ValueType<Void> VOID = new ValueTypes.Void();
    /** A 32-bit integer ({@code int32_t}). */
    ValueType<Integer> INT = new ValueTypes.Int();
    /** A 64-bit integer ({@code int64_t}). */
    ValueType<Long> LONG = new ValueTypes.Long();
    /** A 32-bit float. */
    ValueType<Float> FLOAT = new ValueTypes.Float();
    /** A 64-bit double. */
    ValueType<Double> DOUBLE = new ValueTypes.Double();
    /** A string, as UTF-8 bytes. */
    ValueType<String> STRING = new ValueTypes.Utf8();
    /** Raw bytes of any length (copied both ways). */
    ValueType<byte[]> BYTES = new ValueTypes.Bytes();

    /** {@return the number of bytes {@code value} encodes to} */
    long size(T value);

    /** Encodes {@code value} into {@code dst}, which has exactly {@link #size} bytes. */
    void write(T value, MemorySegment dst);

    /** {@return the value decoded from {@code src}} @throws LegionException if src has the wrong size */
    T read(MemorySegment src);

    /** {@return the C runtime's type code (LHRT_TYPE_*) for built-in reductions, or -1} */
    default int lhrtType() {
        return -1;
    }
}
