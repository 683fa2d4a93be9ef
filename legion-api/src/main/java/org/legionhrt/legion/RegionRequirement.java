package org.legionhrt.legion;

import java.util.List;
import java.util.Objects;

/**
 * What a task will touch: a region (or, in an index launch, a partition whose subregion
 * {@code projection(point)} each point gets), the fields, the privilege and the coherence. The
 * {@code parent} is the region the launching context holds privileges on; it defaults to the
 * root of the region's tree (right for launches from the top-level context).
 *
 * @param region     the region, or null when {@code partition} is set
 * @param partition  the partition (index launches), or null
 * @param projection the projection applied to launch points (identity by default)
 * @param parent     the region privileges come from
 * @param privilege  what the task may do
 * @param coherence  how it coexists with other tasks on the same data
 * @param fields     the fields, at least one
 */
public record RegionRequirement(LogicalRegion region, Partition partition, Projection projection,
                                LogicalRegion parent, Privilege privilege, Coherence coherence, List<Field> fields) {

    /** Validates and copies. @throws IllegalArgumentException if the target, privilege or fields are wrong */
    public RegionRequirement {
        if ((region == null) == (partition == null)) {
            throw new IllegalArgumentException("a requirement names exactly one region or partition");
        }
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(privilege, "privilege");
        Objects.requireNonNull(coherence, "coherence");
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a requirement needs at least one field");
        }
        FieldSpace fs = region != null ? region.fieldSpace() : partition.parent().fieldSpace();
        for (Field f : fields) {
            if (!f.fieldSpace().equals(fs)) {
                throw new LegionException(f + " is not a field of the required region's field space");
            }
        }
    }

    /** {@return a requirement on {@code region} with {@code privilege} on {@code fields}} */
    public static RegionRequirement of(LogicalRegion region, Privilege privilege, Field... fields) {
        return new RegionRequirement(region, null, Projection.IDENTITY, region.root(), privilege,
                Coherence.EXCLUSIVE, List.of(fields));
    }

    /** {@return a requirement on the subregions of {@code partition}, point p getting color p} */
    public static RegionRequirement of(Partition partition, Privilege privilege, Field... fields) {
        return new RegionRequirement(null, partition, Projection.IDENTITY, partition.parent().root(), privilege,
                Coherence.EXCLUSIVE, List.of(fields));
    }

    /** {@return a read-only requirement} */
    public static RegionRequirement readOnly(LogicalRegion region, Field... fields) {
        return of(region, Privilege.READ_ONLY, fields);
    }

    /** {@return a read-write requirement} */
    public static RegionRequirement readWrite(LogicalRegion region, Field... fields) {
        return of(region, Privilege.READ_WRITE, fields);
    }

    /** {@return a write-discard requirement} */
    public static RegionRequirement writeDiscard(LogicalRegion region, Field... fields) {
        return of(region, Privilege.WRITE_DISCARD, fields);
    }

    /** {@return a reduction requirement with {@code op}} */
    public static RegionRequirement reduce(LogicalRegion region, ReductionOp<?> op, Field... fields) {
        return of(region, Privilege.REDUCE(op), fields);
    }

    /** {@return a copy with another parent region} */
    public RegionRequirement withParent(LogicalRegion p) {
        return new RegionRequirement(region, partition, projection, p, privilege, coherence, fields);
    }

    /** {@return a copy with another coherence} */
    public RegionRequirement withCoherence(Coherence c) {
        return new RegionRequirement(region, partition, projection, parent, privilege, c, fields);
    }

    /** {@return a copy with another projection (partition requirements only)} */
    public RegionRequirement withProjection(Projection p) {
        if (partition == null) {
            throw new IllegalArgumentException("projections apply to partition requirements");
        }
        return new RegionRequirement(region, partition, p, parent, privilege, coherence, fields);
    }

    /** {@return the runtime the requirement's objects belong to} */
    Runtime runtime() {
        return region != null ? region.runtime : partition.runtime;
    }
}
