package org.legionhrt.legion;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;

/** Registration of {@link LegionTask} methods (package-private): signature checks, result type. */
final class AnnotatedTasks {
    private static final Map<Class<?>, ValueType<?>> RESULTS = Map.ofEntries(
            Map.entry(void.class, ValueType.VOID), Map.entry(Void.class, ValueType.VOID),
            Map.entry(int.class, ValueType.INT), Map.entry(Integer.class, ValueType.INT),
            Map.entry(long.class, ValueType.LONG), Map.entry(Long.class, ValueType.LONG),
            Map.entry(float.class, ValueType.FLOAT), Map.entry(Float.class, ValueType.FLOAT),
            Map.entry(double.class, ValueType.DOUBLE), Map.entry(Double.class, ValueType.DOUBLE),
            Map.entry(String.class, ValueType.STRING), Map.entry(byte[].class, ValueType.BYTES));

    private AnnotatedTasks() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static TaskId<?> register(Runtime rt, LegionTask a, Method m, Object target) {
        if (m.getParameterCount() != 1 || m.getParameterTypes()[0] != TaskContext.class) {
            throw new LegionException("@LegionTask method " + m.getName() + " must take exactly one TaskContext");
        }
        ValueType<?> type = RESULTS.get(m.getReturnType());
        if (type == null) {
            throw new LegionException("@LegionTask method " + m.getName() + " returns " + m.getReturnType().getSimpleName()
                    + "; use void, int, long, float, double, String or byte[]");
        }
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        if (!isStatic && target == null) {
            throw new LegionException("@LegionTask method " + m.getName() + " is not static: pass an instance");
        }
        MethodHandle mh;
        try {
            m.setAccessible(true);
            mh = MethodHandles.lookup().unreflect(m);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new LegionException(0, "cannot access @LegionTask method " + m.getName(), e);
        }
        MethodHandle bound = isStatic ? mh : mh.bindTo(target);
        JavaTask<Object> body = ctx -> {
            try {
                return bound.invoke(ctx);
            } catch (Exception e) {
                throw e;
            } catch (Throwable t) {
                throw new RuntimeException(t);
            }
        };
        String name = a.value().isEmpty() ? m.getName() : a.value();
        return a.id() < 0 ? rt.registerTask(name, (ValueType) type, body) : rt.registerTask(a.id(), name, (ValueType) type, body);
    }
}
