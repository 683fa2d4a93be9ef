package org.legionhrt.legion;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of typed fields: the columns of the regions created with it. Fields are allocated with
 * {@link #allocate(FieldType)} (at most 64 per space) and used to name data in region
 * requirements and accessors.
 */
public final class FieldSpace extends NativeObject implements AutoCloseable {
    /** Types of the fields allocated through this API, by id (the C runtime only knows sizes). */
    private final Map<Integer, Field> fields;

    FieldSpace(Runtime runtime, long handle, boolean owned, Map<Integer, Field> fields) {
        super(runtime, handle, owned);
        this.fields = fields;
    }

    static FieldSpace create(Runtime rt) {
        long h = rt.lhrt.outLong("lhrt_field_space_create", out -> rt.lhrt.c.fieldSpaceCreate(rt.handle(), out));
        FieldSpace fs = new FieldSpace(rt, h, true, new ConcurrentHashMap<>());
        rt.registerFieldSpace(fs);
        return fs;
    }

    @Override
    String kind() {
        return "field space";
    }

    /** {@return a new field of {@code type} with a fresh id} */
    public Field allocate(FieldType type) {
        return allocate(type, -1);
    }

    /** {@return a new field of {@code type} with id {@code id} (or a fresh one when id is -1)} */
    public Field allocate(FieldType type, int id) {
        int fid = runtime.gate.call(() -> runtime.lhrt.outInt("lhrt_field_space_allocate_field",
                out -> runtime.lhrt.c.fieldSpaceAllocateField(handle(), type.size(), id, out)));
        Field f = new Field(this, fid, type);
        fields.put(fid, f);
        return f;
    }

    /** Frees {@code f}'s storage in every region of this field space. */
    public void free(Field f) {
        check(f);
        runtime.gate.run(() -> runtime.lhrt.check(runtime.lhrt.c.fieldSpaceFreeField(handle(), f.id()),
                "lhrt_field_space_free_field"));
        // Only f itself: once the native free ran, another thread may have allocated the id again.
        fields.computeIfPresent(f.id(), (id, had) -> had == f ? null : had);
    }

    /** {@return the fields allocated so far, by increasing id} */
    public List<Field> fields() {
        return fields.values().stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).toList();
    }

    /** {@return the field with {@code id}} @throws LegionException if none */
    public Field field(int id) {
        Field f = fields.get(id);
        if (f == null) {
            throw new LegionException("no field " + id + " in this field space");
        }
        return f;
    }

    /**
     * @throws LegionException unless {@code f} is a live field of this field space: this very
     * object, since a freed field's id may have been allocated again (maybe with another type)
     * and the stale one would then reach the new field's data
     */
    void check(Field f) {
        if (!f.fieldSpace().equals(this)) {
            throw new LegionException(f + " is not a field of this field space");
        }
        Field live = fields.get(f.id());
        if (live != f) {
            throw new LegionException(f + " was freed" + (live != null ? " (its id " + f.id() + " now names another field)" : "")
                    + ": it is no longer a field of this field space");
        }
    }

    /** Destroys the field space now if this object owns it. */
    @Override
    public void close() {
        release(() -> runtime.lhrt.c.fieldSpaceDestroy(rawHandle()), "lhrt_field_space_destroy");
    }
}
