package org.legionhrt.legion;

/**
 * The type of a field: its size in bytes and how accessors see it. Numeric types get typed
 * accessors ({@link DoubleAccessor} …); points and structs are reached as raw bytes through
 * {@link RawAccessor}. Points are stored as {@code int64} coordinates, the form the runtime's
 * image and preimage partitions read.
 *
 * @param name     a readable name ("double", "point2", "struct24")
 * @param size     bytes per element (1 to 4096)
 * @param dims     for point fields, their dimension (1 to 3); 0 otherwise
 * @param numeric  the C type code (LHRT_TYPE_*) of numeric fields, -1 otherwise
 */
public record FieldType(String name, int size, int dims, int numeric) {

    /** {@code int32_t}. */
    public static final FieldType INT = new FieldType("int", 4, 0, 0);
    /** {@code int64_t}. */
    public static final FieldType LONG = new FieldType("long", 8, 0, 1);
    /** {@code float}. */
    public static final FieldType FLOAT = new FieldType("float", 4, 0, 2);
    /** {@code double}. */
    public static final FieldType DOUBLE = new FieldType("double", 8, 0, 3);
    /** A 1-D point (one {@code int64_t}); also readable as {@link #LONG}. */
    public static final FieldType POINT1 = new FieldType("point1", 8, 1, -1);
    /** A 2-D point (two {@code int64_t}). */
    public static final FieldType POINT2 = new FieldType("point2", 16, 2, -1);
    /** A 3-D point (three {@code int64_t}). */
    public static final FieldType POINT3 = new FieldType("point3", 24, 3, -1);

    /** Validates the fields. @throws IllegalArgumentException on a size outside 1..4096 */
    public FieldType {
        if (size < 1 || size > 4096) {
            throw new IllegalArgumentException("field size must be 1..4096 bytes, not " + size);
        }
    }

    /** {@return a fixed-size struct field of {@code bytes} bytes} */
    public static FieldType struct(int bytes) {
        return new FieldType("struct" + bytes, bytes, 0, -1);
    }

    /** {@return the point type of dimension {@code d}} */
    public static FieldType point(int d) {
        return switch (d) {
            case 1 -> POINT1;
            case 2 -> POINT2;
            case 3 -> POINT3;
            default -> throw new IllegalArgumentException("points have 1 to 3 dimensions, not " + d);
        };
    }
}
