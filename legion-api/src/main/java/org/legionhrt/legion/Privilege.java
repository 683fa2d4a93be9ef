package org.legionhrt.legion;

import java.util.Objects;

/**
 * What a task may do with the fields of a region requirement: read, read and write, write
 * without reading ({@code WRITE_DISCARD}, the old values are dropped), or fold values in with a
 * reduction operator ({@code REDUCE(op)}: tasks reducing with the same operator run in parallel).
 *
 * @param mode  the access mode
 * @param redop the reduction operator for {@link Mode#REDUCE}, null otherwise
 */
public record Privilege(Mode mode, ReductionOp<?> redop) {

    /** The access modes (codes as in lhrt.h). */
    public enum Mode {
        /** Read only. */
        READ_ONLY,
        /** Read and write. */
        READ_WRITE,
        /** Write everything, read nothing old. */
        WRITE_DISCARD,
        /** Fold values in with a reduction operator. */
        REDUCE;

        int code() {
            return ordinal() + 1;
        }
    }

    /** Read only. */
    public static final Privilege READ_ONLY = new Privilege(Mode.READ_ONLY, null);
    /** Read and write. */
    public static final Privilege READ_WRITE = new Privilege(Mode.READ_WRITE, null);
    /** Write every value without reading the old ones. */
    public static final Privilege WRITE_DISCARD = new Privilege(Mode.WRITE_DISCARD, null);

    /** Validates that a reduction operator comes with REDUCE and only with it. */
    public Privilege {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.REDUCE) != (redop != null)) {
            throw new IllegalArgumentException(mode == Mode.REDUCE ? "REDUCE needs a reduction operator"
                    : mode + " takes no reduction operator");
        }
    }

    /** {@return the privilege to reduce with {@code op}} */
    public static Privilege REDUCE(ReductionOp<?> op) {
        return new Privilege(Mode.REDUCE, Objects.requireNonNull(op, "op"));
    }

    /** {@return whether the holder may write values} */
    public boolean canWrite() {
        return mode == Mode.READ_WRITE || mode == Mode.WRITE_DISCARD;
    }

    /** {@return whether the holder may read values} */
    public boolean canRead() {
        return mode == Mode.READ_ONLY || mode == Mode.READ_WRITE || mode == Mode.WRITE_DISCARD;
    }

    int redopId() {
        return redop == null ? 0 : redop.id();
    }

    @Override
    public String toString() {
        return mode == Mode.REDUCE ? "REDUCE(" + redop.name() + ")" : mode.name();
    }
}
