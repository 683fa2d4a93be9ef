package org.legionhrt.legion;

import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * A reduction operator: folds values into region fields ({@link Privilege#REDUCE}) and task
 * results into one future ({@link Context#executeReduce}). The built-ins (sum, product, min, max
 * over int, long, float and double) are the C runtime's own; user operators are written in Java
 * and registered with {@link Runtime#registerReduction}, which makes the runtime call them
 * through an upcall.
 *
 * @param <T> the element type
 */
public final class ReductionOp<T> {
    /** The built-in operations (codes as LHRT_RED_*). */
    public enum Op { SUM, PROD, MIN, MAX }

    /** Sum of ints. */
    public static final ReductionOp<Integer> SUM_INT = builtin(Op.SUM, ValueType.INT);
    /** Sum of longs. */
    public static final ReductionOp<Long> SUM_LONG = builtin(Op.SUM, ValueType.LONG);
    /** Sum of floats. */
    public static final ReductionOp<Float> SUM_FLOAT = builtin(Op.SUM, ValueType.FLOAT);
    /** Sum of doubles. */
    public static final ReductionOp<Double> SUM_DOUBLE = builtin(Op.SUM, ValueType.DOUBLE);
    /** Product of doubles. */
    public static final ReductionOp<Double> PROD_DOUBLE = builtin(Op.PROD, ValueType.DOUBLE);
    /** Minimum of doubles. */
    public static final ReductionOp<Double> MIN_DOUBLE = builtin(Op.MIN, ValueType.DOUBLE);
    /** Maximum of doubles. */
    public static final ReductionOp<Double> MAX_DOUBLE = builtin(Op.MAX, ValueType.DOUBLE);
    /** Minimum of longs. */
    public static final ReductionOp<Long> MIN_LONG = builtin(Op.MIN, ValueType.LONG);
    /** Maximum of longs. */
    public static final ReductionOp<Long> MAX_LONG = builtin(Op.MAX, ValueType.LONG);

    private final int id;
    private final String name;
    private final ValueType<T> type;
    private final Op builtin;
    private final BinaryOperator<T> combine;
    private final Runtime owner;

    ReductionOp(int id, String name, ValueType<T> type, Op builtin, BinaryOperator<T> combine, Runtime owner) {
        this.id = id;
        this.name = name;
        this.type = type;
        this.builtin = builtin;
        this.combine = combine;
        this.owner = owner;
    }

    /** {@return the built-in operator {@code op} over {@code type} (INT, LONG, FLOAT or DOUBLE)} */
    public static <T> ReductionOp<T> builtin(Op op, ValueType<T> type) {
        int t = type.lhrtType();
        if (t < 0) {
            throw new IllegalArgumentException("built-in reductions take INT, LONG, FLOAT or DOUBLE, not " + type);
        }
        return new ReductionOp<>(1 + op.ordinal() * 4 + t, op.name().toLowerCase() + "_" + type, type, op,
                null, null);
    }

    /** {@return the operator id, as C kernels and the runtime know it} */
    public int id() {
        return id;
    }

    /** {@return a readable name} */
    public String name() {
        return name;
    }

    /** {@return the element type} */
    public ValueType<T> type() {
        return type;
    }

    /** {@return whether this is one of the C runtime's built-in operators} */
    public boolean isBuiltin() {
        return builtin != null;
    }

    /** {@return a folded with b, computed in Java} */
    public T apply(T a, T b) {
        if (combine != null) {
            return combine.apply(a, b);
        }
        return type.read(applyBuiltinBoxed(a, b));
    }

    @SuppressWarnings("unchecked")
    private java.lang.foreign.MemorySegment applyBuiltinBoxed(T a, T b) {
        Object r = switch (type.lhrtType()) {
            case 0 -> (int) applyLong(((Integer) a).longValue(), ((Integer) b).longValue());
            case 1 -> applyLong((Long) a, (Long) b);
            case 2 -> (float) applyDouble(((Float) a).doubleValue(), ((Float) b).doubleValue());
            default -> applyDouble((Double) a, (Double) b);
        };
        java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(new byte[8]).asSlice(0, type.size((T) r));
        type.write((T) r, s);
        return s;
    }

    /** {@return a folded with b for floating-point element types (used by accessors)} */
    double applyDouble(double a, double b) {
        if (builtin == null) {
            return ((Number) combine.apply(box(a), box(b))).doubleValue();
        }
        return switch (builtin) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    /** {@return a folded with b for integer element types (used by accessors)} */
    long applyLong(long a, long b) {
        if (builtin == null) {
            return ((Number) combine.apply(boxLong(a), boxLong(b))).longValue();
        }
        return switch (builtin) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    @SuppressWarnings("unchecked")
    private T box(double v) {
        return (T) (type.lhrtType() == 2 || type == ValueType.FLOAT ? (Object) (float) v : (Object) v);
    }

    @SuppressWarnings("unchecked")
    private T boxLong(long v) {
        return (T) (type == ValueType.INT ? (Object) (int) v : (Object) v);
    }

    /** @throws LegionException if this user operator belongs to another runtime */
    void checkRuntime(Runtime rt) {
        if (owner != null && owner != rt) {
            throw new LegionException("reduction " + name + " was registered with another runtime");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReductionOp<?> r && r.id == id && Objects.equals(r.owner, owner);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "ReductionOp[" + name + "#" + id + "]";
    }
}
