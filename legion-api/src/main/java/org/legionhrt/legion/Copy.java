package org.legionhrt.legion;

import java.util.List;
import java.util.Objects;

/**
 * A copy of field values, Legion's copy operation. In its region form it copies from
 * {@code source} to {@code destination} for the points both regions hold; in its partition form
 * it copies from each subregion of {@code sourcePartition} to the subregion of the same color of
 * {@code destinationPartition}, one point per destination color and all in parallel (a halo
 * exchange). Field {@code i} of {@code sourceFields} goes to field {@code i} of
 * {@code destinationFields}. The pairs must have the same size, and the two regions may belong to
 * different trees and field spaces. With a {@code reduction} the values are folded into the
 * destination instead of overwriting it. Issue the copy with {@link Context#copy}: the runtime
 * orders it like a task that reads the source and writes the destination (or reduces into it).
 *
 * <pre>{@code
 * ctx.copy(Copy.of(owned, ghosts, temperature));                  // halo exchange, same field
 * ctx.copy(Copy.of(a, List.of(x), b, List.of(y)).withReduction(ReductionOp.SUM_DOUBLE)); // b.y += a.x
 * }</pre>
 *
 * @param source               the source region, or null in the partition form
 * @param destination          the destination region, or null in the partition form
 * @param sourcePartition      the source partition, or null in the region form
 * @param destinationPartition the destination partition (its colors are the copy's points), or null
 * @param sourceFields         the fields read, at least one
 * @param destinationFields    the fields written, pairwise with {@code sourceFields}
 * @param reduction            the operator that folds into the destination, or null to overwrite it
 */
public record Copy(LogicalRegion source, LogicalRegion destination, Partition sourcePartition,
                   Partition destinationPartition, List<Field> sourceFields, List<Field> destinationFields,
                   ReductionOp<?> reduction) {

    /** Validates and copies. @throws IllegalArgumentException if the form or the fields are wrong */
    public Copy {
        boolean regions = source != null && destination != null && sourcePartition == null && destinationPartition == null;
        boolean partitions = source == null && destination == null && sourcePartition != null && destinationPartition != null;
        if (!regions && !partitions) {
            throw new IllegalArgumentException("a copy goes region to region or partition to partition");
        }
        sourceFields = List.copyOf(sourceFields);
        destinationFields = List.copyOf(destinationFields);
        if (sourceFields.isEmpty() || sourceFields.size() != destinationFields.size()) {
            throw new IllegalArgumentException("a copy needs one or more field pairs: " + sourceFields.size()
                    + " source and " + destinationFields.size() + " destination fields given");
        }
        FieldSpace from = regions ? source.fieldSpace() : sourcePartition.parent().fieldSpace();
        FieldSpace to = regions ? destination.fieldSpace() : destinationPartition.parent().fieldSpace();
        for (int i = 0; i < sourceFields.size(); i++) {
            Field s = sourceFields.get(i), d = destinationFields.get(i);
            if (!s.fieldSpace().equals(from)) {
                throw new IllegalArgumentException(s + " is not a field of the copy's source");
            }
            if (!d.fieldSpace().equals(to)) {
                throw new IllegalArgumentException(d + " is not a field of the copy's destination");
            }
            if (s.type().size() != d.type().size()) {
                throw new IllegalArgumentException("copy " + s + " (" + s.type().size() + " bytes) to " + d + " ("
                        + d.type().size() + " bytes): the sizes must match");
            }
        }
    }

    /** {@return a copy of {@code fields} (of both regions' field space) from {@code from} to {@code to}} */
    public static Copy of(LogicalRegion from, LogicalRegion to, Field... fields) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return new Copy(from, to, null, null, List.of(fields), List.of(fields), null);
    }

    /** {@return a copy of {@code fields} from each subregion of {@code from} to {@code to}'s of the same color} */
    public static Copy of(Partition from, Partition to, Field... fields) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return new Copy(null, null, from, to, List.of(fields), List.of(fields), null);
    }

    /** {@return a copy from {@code fromFields} of {@code from} to {@code toFields} of {@code to}, pairwise} */
    public static Copy of(LogicalRegion from, List<Field> fromFields, LogicalRegion to, List<Field> toFields) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return new Copy(from, to, null, null, fromFields, toFields, null);
    }

    /** {@return the partition form of {@link #of(LogicalRegion, List, LogicalRegion, List)}} */
    public static Copy of(Partition from, List<Field> fromFields, Partition to, List<Field> toFields) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return new Copy(null, null, from, to, fromFields, toFields, null);
    }

    /** {@return this copy folding into the destination with {@code op} instead of overwriting it} */
    public Copy withReduction(ReductionOp<?> op) {
        return new Copy(source, destination, sourcePartition, destinationPartition, sourceFields, destinationFields,
                Objects.requireNonNull(op, "op"));
    }

    /** {@return whether this is the partition form (one point per destination color)} */
    public boolean isIndexCopy() {
        return destinationPartition != null;
    }
}
