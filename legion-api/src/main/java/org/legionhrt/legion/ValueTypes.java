package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** The built-in {@link ValueType}s (package-private implementations). */
final class ValueTypes {
    private ValueTypes() {}

    static void needSize(MemorySegment src, long n, String type) {
        if (src.byteSize() != n) {
            throw new LegionException("a " + type + " value needs " + n + " bytes, the runtime holds "
                    + src.byteSize() + " (wrong ValueType for this task or future?)");
        }
    }

    static final class Void implements ValueType<java.lang.Void> {
        @Override public long size(java.lang.Void v) { return 0; }
        @Override public void write(java.lang.Void v, MemorySegment dst) { }
        @Override public java.lang.Void read(MemorySegment src) { return null; }
        @Override public String toString() { return "VOID"; }
    }

    static final class Int implements ValueType<Integer> {
        @Override public long size(Integer v) { return 4; }
        @Override public void write(Integer v, MemorySegment dst) { dst.set(JAVA_INT_UNALIGNED, 0, v); }
        @Override public Integer read(MemorySegment src) {
            needSize(src, 4, "INT");
            return src.get(JAVA_INT_UNALIGNED, 0);
        }
        @Override public int lhrtType() { return 0; }
        @Override public String toString() { return "INT"; }
    }

    static final class Long implements ValueType<java.lang.Long> {
        @Override public long size(java.lang.Long v) { return 8; }
        @Override public void write(java.lang.Long v, MemorySegment dst) { dst.set(JAVA_LONG_UNALIGNED, 0, v); }
        @Override public java.lang.Long read(MemorySegment src) {
            needSize(src, 8, "LONG");
            return src.get(JAVA_LONG_UNALIGNED, 0);
        }
        @Override public int lhrtType() { return 1; }
        @Override public String toString() { return "LONG"; }
    }

    static final class Float implements ValueType<java.lang.Float> {
        @Override public long size(java.lang.Float v) { return 4; }
        @Override public void write(java.lang.Float v, MemorySegment dst) { dst.set(JAVA_FLOAT_UNALIGNED, 0, v); }
        @Override public java.lang.Float read(MemorySegment src) {
            needSize(src, 4, "FLOAT");
            return src.get(JAVA_FLOAT_UNALIGNED, 0);
        }
        @Override public int lhrtType() { return 2; }
        @Override public String toString() { return "FLOAT"; }
    }

    static final class Double implements ValueType<java.lang.Double> {
        @Override public long size(java.lang.Double v) { return 8; }
        @Override public void write(java.lang.Double v, MemorySegment dst) { dst.set(JAVA_DOUBLE_UNALIGNED, 0, v); }
        @Override public java.lang.Double read(MemorySegment src) {
            needSize(src, 8, "DOUBLE");
            return src.get(JAVA_DOUBLE_UNALIGNED, 0);
        }
        @Override public int lhrtType() { return 3; }
        @Override public String toString() { return "DOUBLE"; }
    }

    static final class Utf8 implements ValueType<String> {
        @Override public long size(String v) { return v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length; }
        @Override public void write(String v, MemorySegment dst) {
            byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MemorySegment.copy(b, 0, dst, JAVA_BYTE, 0, b.length);
        }
        @Override public String read(MemorySegment src) {
            return new String(src.toArray(JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        }
        @Override public String toString() { return "STRING"; }
    }

    static final class Bytes implements ValueType<byte[]> {
        @Override public long size(byte[] v) { return v == null ? 0 : v.length; }
        @Override public void write(byte[] v, MemorySegment dst) {
            if (v != null) {
                MemorySegment.copy(v, 0, dst, JAVA_BYTE, 0, v.length);
            }
        }
        @Override public byte[] read(MemorySegment src) { return src.toArray(JAVA_BYTE); }
        @Override public String toString() { return "BYTES"; }
    }
}
