package org.legionhrt.legion;

/**
 * A logical region: the data of a field space over an index space, named without saying where
 * it lives. A root region is created by {@link Runtime#createRegion}; its subregions come from
 * {@link Partition#subregion}. Tasks name regions in {@link RegionRequirement}s; the runtime
 * orders tasks by the regions, fields and privileges they use.
 */
public final class LogicalRegion extends NativeObject implements AutoCloseable {
    private final IndexSpace indexSpace;
    private final FieldSpace fieldSpace;
    private final LogicalRegion root;
    private final Partition parentPartition;

    LogicalRegion(Runtime runtime, long handle, boolean owned, IndexSpace is, FieldSpace fs,
                  LogicalRegion root, Partition parentPartition) {
        super(runtime, handle, owned, parentPartition != null ? parentPartition : root);
        this.indexSpace = is;
        this.fieldSpace = fs;
        this.root = root == null ? this : root;
        this.parentPartition = parentPartition;
    }

    @Override
    String kind() {
        return "logical region";
    }

    /** {@return the region's index space (its rows)} */
    public IndexSpace indexSpace() {
        return indexSpace;
    }

    /** {@return the region's field space (its columns)} */
    public FieldSpace fieldSpace() {
        return fieldSpace;
    }

    /** {@return the root of this region's tree (this region for a root)} */
    public LogicalRegion root() {
        return root;
    }

    /** {@return whether this is a root region} */
    public boolean isRoot() {
        return root == this;
    }

    /** {@return the partition this region is a subregion of, or null for a root} */
    public Partition parentPartition() {
        return parentPartition;
    }

    /** {@return the bounding rectangle of the region's index space} */
    public Rect bounds() {
        return indexSpace.bounds();
    }

    /** {@return the id of the region tree} */
    public int treeId() {
        return runtime.gate.call(() -> runtime.lhrt.outInt("lhrt_region_get_tree_id",
                out -> runtime.lhrt.c.regionGetTreeId(handle(), out)));
    }

    /**
     * Asks the default mapper to lay out this root's instances as structure-of-arrays (the
     * default) or array-of-structures; call before the region is first used.
     */
    public void setLayout(boolean arrayOfStructs) {
        if (!isRoot()) {
            throw new LegionException("layouts are set on root regions");
        }
        runtime.gate.run(() -> runtime.lhrt.check(runtime.lhrt.c.regionSetLayout(handle(), arrayOfStructs ? 1 : 0,
                runtime.instanceMemory()), "lhrt_region_set_layout"));
    }

    /** @throws LegionException unless {@code f} belongs to this region's field space */
    void checkField(Field f) {
        fieldSpace.check(f);
    }

    /** Destroys a root region (its partitions, subregions and instances) once pending work is done. */
    @Override
    public void close() {
        if (!isRoot()) {
            return;
        }
        release(() -> runtime.lhrt.c.regionDestroy(rawHandle()), "lhrt_region_destroy");
    }

    @Override
    public String toString() {
        return "LogicalRegion[" + (isRoot() ? "root" : "sub") + "]";
    }
}
