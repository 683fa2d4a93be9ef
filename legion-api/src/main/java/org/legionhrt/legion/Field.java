package org.legionhrt.legion;

/**
 * A field allocated in a {@link FieldSpace}: its id and its type. Fields are compared by
 * identity of their field space and id; using a field with a region of another field space, or
 * asking for an accessor of the wrong type, throws {@link LegionException}.
 */
public final class Field {
    private final FieldSpace space;
    private final int id;
    private final FieldType type;

    Field(FieldSpace space, int id, FieldType type) {
        this.space = space;
        this.id = id;
        this.type = type;
    }

    /** {@return the field id (as C kernels see it)} */
    public int id() {
        return id;
    }

    /** {@return the field's type} */
    public FieldType type() {
        return type;
    }

    /** {@return the field space this field belongs to} */
    public FieldSpace fieldSpace() {
        return space;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Field f && f.space.equals(space) && f.id == id;
    }

    @Override
    public int hashCode() {
        return space.hashCode() * 31 + id;
    }

    @Override
    public String toString() {
        return "Field[" + id + ":" + type.name() + "]";
    }
}
