package org.legionhrt.apps.circuit;

import static org.legionhrt.apps.circuit.CircuitFields.LOC_GHOST;
import static org.legionhrt.apps.circuit.CircuitFields.LOC_PRIVATE;
import static org.legionhrt.apps.circuit.CircuitFields.LOC_SHARED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.legionhrt.legion.FloatAccessor;
import org.legionhrt.legion.IntAccessor;
import org.legionhrt.legion.LongAccessor;
import org.legionhrt.legion.PhysicalRegion;
import org.legionhrt.legion.Rect;
import org.legionhrt.legion.TaskContext;

/**
 * The Java bodies of the circuit's tasks. Every task runs for one piece (its launch point)
 * on the regions its launcher names, in the order documented on each method; the native
 * variants in {@code src/main/c/circuit.c} take the same regions in the same order.
 */
final class CircuitTasks {
    private CircuitTasks() {}

    /** Task arguments: the config, as little-endian bytes both Java and C read ({@code struct circuit_args}). */
    static byte[] args(CircuitConfig c) {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(c.steps()).putInt(c.pieces())
                .putInt(c.nodesPerPiece()).putInt(c.wiresPerPiece()).putInt(c.pctPrivate()).putInt(0)
                .putLong(c.seed()).array();
    }

    static CircuitConfig config(TaskContext ctx) {
        MemorySegment a = ctx.args();
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED;
        // loops do not matter inside a task: 1 keeps the record valid
        return new CircuitConfig(1, a.get(i32, 0), a.get(i32, 4), a.get(i32, 8), a.get(i32, 12), a.get(i32, 16),
                a.get(ValueLayout.JAVA_LONG_UNALIGNED, 24));
    }

    /** init_nodes: 0 = this piece's nodes (WRITE_DISCARD cap, leakage, charge, voltage, piece and shared colors). */
    static void initNodes(TaskContext ctx, CircuitFields f) {
        CircuitConfig c = config(ctx);
        int piece = (int) ctx.index();
        PhysicalRegion r = ctx.region(0);
        FloatAccessor cap = r.floatField(f.nodeCap);
        FloatAccessor leak = r.floatField(f.leakage);
        FloatAccessor charge = r.floatField(f.charge);
        FloatAccessor volt = r.floatField(f.nodeVoltage);
        IntAccessor color = r.intField(f.pieceColor);
        IntAccessor shared = r.intField(f.sharedColor);
        CircuitGenerator.nodes(c, piece, (n, cp, lk, v) -> {
            cap.set(n, cp);
            leak.set(n, lk);
            charge.set(n, 0f);
            volt.set(n, v);
            color.set(n, piece);
            shared.set(n, -1);
        });
    }

    /** init_wires: 0 = this piece's wires (WRITE_DISCARD all wire fields but the locations). */
    static void initWires(TaskContext ctx, CircuitFields f) {
        CircuitConfig c = config(ctx);
        PhysicalRegion r = ctx.region(0);
        LongAccessor in = r.longField(f.inPtr);
        LongAccessor out = r.longField(f.outPtr);
        FloatAccessor ind = r.floatField(f.inductance);
        FloatAccessor res = r.floatField(f.resistance);
        FloatAccessor cap = r.floatField(f.wireCap);
        FloatAccessor[] state = new FloatAccessor[f.wireState().length];
        for (int i = 0; i < state.length; i++) {
            state[i] = r.floatField(f.wireState()[i]);
        }
        CircuitGenerator.wires(c, (int) ctx.index(), (w, inNode, outNode, l, rs, cp) -> {
            in.set(w, inNode);
            out.set(w, outNode);
            ind.set(w, l);
            res.set(w, rs);
            cap.set(w, cp);
            for (FloatAccessor s : state) {
                s.set(w, 0f);
            }
        });
    }

    /** mark_shared: 0 = this piece's ghost nodes (REDUCE max shared color): their owners' pieces. */
    static void markShared(TaskContext ctx, CircuitFields f) {
        CircuitConfig c = config(ctx);
        IntAccessor shared = ctx.region(0).intField(f.sharedColor);
        forEachPoint(ctx.region(0), n -> shared.reduce(n, (int) (n / c.nodesPerPiece())));
    }

    /**
     * init_locations: 0 = this piece's wires (READ_WRITE endpoints and locations),
     * 1 = this piece's owned nodes (READ_ONLY shared color).
     */
    static void initLocations(TaskContext ctx, CircuitFields f) {
        CircuitConfig c = config(ctx);
        long piece = ctx.index();
        PhysicalRegion w = ctx.region(0);
        LongAccessor in = w.longField(f.inPtr);
        LongAccessor out = w.longField(f.outPtr);
        IntAccessor inLoc = w.intField(f.inLoc);
        IntAccessor outLoc = w.intField(f.outLoc);
        IntAccessor shared = ctx.region(1).intField(f.sharedColor);
        forEachPoint(w, x -> {
            long a = in.get(x);
            long b = out.get(x);
            inLoc.set(x, shared.get(a) >= 0 ? LOC_SHARED : LOC_PRIVATE);
            outLoc.set(x, b / c.nodesPerPiece() != piece ? LOC_GHOST : shared.get(b) >= 0 ? LOC_SHARED : LOC_PRIVATE);
        });
    }

    /**
     * calc_new_currents: 0 = wires (READ_WRITE currents, inner voltages), 1 = wires (READ_ONLY
     * endpoints, locations, inductance, resistance, capacitance), 2/3/4 = private/shared/ghost
     * nodes (READ_ONLY voltage).
     */
    static void calcNewCurrents(TaskContext ctx, CircuitFields f) {
        int steps = config(ctx).steps();
        PhysicalRegion w = ctx.region(0);
        PhysicalRegion p = ctx.region(1);
        FloatAccessor[] cur = new FloatAccessor[CircuitConfig.WIRE_SEGMENTS];
        FloatAccessor[] vol = new FloatAccessor[CircuitConfig.WIRE_SEGMENTS - 1];
        for (int i = 0; i < cur.length; i++) {
            cur[i] = w.floatField(f.current[i]);
        }
        for (int i = 0; i < vol.length; i++) {
            vol[i] = w.floatField(f.wireVoltage[i]);
        }
        LongAccessor in = p.longField(f.inPtr);
        LongAccessor out = p.longField(f.outPtr);
        IntAccessor inLoc = p.intField(f.inLoc);
        IntAccessor outLoc = p.intField(f.outLoc);
        FloatAccessor ind = p.floatField(f.inductance);
        FloatAccessor res = p.floatField(f.resistance);
        FloatAccessor cap = p.floatField(f.wireCap);
        FloatAccessor[] nodeV = {ctx.region(2).floatField(f.nodeVoltage), ctx.region(3).floatField(f.nodeVoltage),
            ctx.region(4).floatField(f.nodeVoltage)};
        final int segs = CircuitConfig.WIRE_SEGMENTS;
        float[] v = new float[segs + 1];
        float[] i = new float[segs];
        float[] oldI = new float[segs];
        float[] oldV = new float[segs - 1];
        float dt = CircuitGenerator.DT;
        float recipDt = 1f / dt;
        forEachPoint(w, x -> {
            for (int k = 0; k < segs; k++) {
                i[k] = oldI[k] = cur[k].get(x);
            }
            for (int k = 0; k < segs - 1; k++) {
                v[k + 1] = oldV[k] = vol[k].get(x);
            }
            v[0] = nodeV[inLoc.get(x)].get(in.get(x));
            v[segs] = nodeV[outLoc.get(x)].get(out.get(x));
            float l = ind.get(x);
            float recipRes = 1f / res.get(x);
            float recipCap = 1f / cap.get(x);
            // The same arithmetic, in the same order, as CircuitReference.calcNewCurrents.
            for (int s = 0; s < steps; s++) {
                for (int k = 0; k < segs; k++) {
                    float dv = v[k + 1] - v[k];
                    float di = i[k] - oldI[k];
                    i[k] = (dv - l * di * recipDt) * recipRes;
                }
                for (int k = 0; k < segs - 1; k++) {
                    float dq = dt * (i[k] - i[k + 1]);
                    v[k + 1] = oldV[k] + dq * recipCap;
                }
            }
            for (int k = 0; k < segs; k++) {
                cur[k].set(x, i[k]);
            }
            for (int k = 0; k < segs - 1; k++) {
                vol[k].set(x, v[k + 1]);
            }
        });
    }

    /**
     * distribute_charge: 0 = wires (READ_ONLY endpoints, locations, first and last current),
     * 1 = private nodes (READ_WRITE charge), 2/3 = shared/ghost nodes (REDUCE sum charge).
     */
    static void distributeCharge(TaskContext ctx, CircuitFields f) {
        PhysicalRegion w = ctx.region(0);
        LongAccessor in = w.longField(f.inPtr);
        LongAccessor out = w.longField(f.outPtr);
        IntAccessor inLoc = w.intField(f.inLoc);
        IntAccessor outLoc = w.intField(f.outLoc);
        FloatAccessor first = w.floatField(f.current[0]);
        FloatAccessor last = w.floatField(f.current[CircuitConfig.WIRE_SEGMENTS - 1]);
        FloatAccessor pvt = ctx.region(1).floatField(f.charge);
        FloatAccessor[] reduce = {null, ctx.region(2).floatField(f.charge), ctx.region(3).floatField(f.charge)};
        float dt = CircuitGenerator.DT;
        forEachPoint(w, x -> {
            charge(pvt, reduce, inLoc.get(x), in.get(x), -dt * first.get(x));
            charge(pvt, reduce, outLoc.get(x), out.get(x), dt * last.get(x));
        });
    }

    private static void charge(FloatAccessor pvt, FloatAccessor[] reduce, int loc, long node, float q) {
        if (loc == LOC_PRIVATE) {
            pvt.set(node, pvt.get(node) + q);
        } else {
            reduce[loc].reduce(node, q);
        }
    }

    /**
     * update_voltages: 0/1 = private/shared nodes (READ_WRITE voltage, charge), 2/3 = the same
     * (READ_ONLY capacitance, leakage).
     */
    static void updateVoltages(TaskContext ctx, CircuitFields f) {
        for (int k = 0; k < 2; k++) {
            PhysicalRegion rw = ctx.region(k);
            PhysicalRegion ro = ctx.region(k + 2);
            FloatAccessor volt = rw.floatField(f.nodeVoltage);
            FloatAccessor charge = rw.floatField(f.charge);
            FloatAccessor cap = ro.floatField(f.nodeCap);
            FloatAccessor leak = ro.floatField(f.leakage);
            forEachPoint(rw, n -> {
                float v = volt.get(n) + charge.get(n) / cap.get(n);
                volt.set(n, v * (1f - leak.get(n)));
                charge.set(n, 0f);
            });
        }
    }

    /** A visitor of 1-D points. */
    @FunctionalInterface
    interface PointVisitor {
        void visit(long x);
    }

    /** Visits every point of a (possibly sparse) 1-D physical region, rectangle by rectangle. */
    static void forEachPoint(PhysicalRegion r, PointVisitor v) {
        for (Rect rect : r.logicalRegion().indexSpace().rects()) {
            for (long x = rect.lo(0); x <= rect.hi(0); x++) {
                v.visit(x);
            }
        }
    }
}
