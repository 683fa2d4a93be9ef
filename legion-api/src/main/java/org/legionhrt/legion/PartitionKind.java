package org.legionhrt.legion;

/** What a partition promises about its subregions. */
public enum PartitionKind {
    /** The runtime computes disjointness and completeness. */
    COMPUTE,
    /** Asserted disjoint: no point is in two subregions. */
    DISJOINT,
    /** Asserted aliased: subregions may share points. */
    ALIASED,
    /** Asserted disjoint and covering the parent. */
    DISJOINT_COMPLETE;

    int code() {
        return ordinal();
    }
}
