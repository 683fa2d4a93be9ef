package org.legionhrt.apps.circuit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.legionhrt.legion.Context;
import org.legionhrt.legion.Field;
import org.legionhrt.legion.FieldSpace;
import org.legionhrt.legion.FloatAccessor;
import org.legionhrt.legion.IndexLauncher;
import org.legionhrt.legion.IndexSpace;
import org.legionhrt.legion.LogicalRegion;
import org.legionhrt.legion.Partition;
import org.legionhrt.legion.PartitionKind;
import org.legionhrt.legion.PhysicalRegion;
import org.legionhrt.legion.Privilege;
import org.legionhrt.legion.ReductionOp;
import org.legionhrt.legion.RegionRequirement;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.TaskContext;
import org.legionhrt.legion.TaskId;
import org.legionhrt.legion.ValueType;
import org.legionhrt.legion.Variant;

/**
 * The circuit simulation as Legion builds it: regions of nodes and wires, partitions by
 * field, preimage, image and difference, parallel initialisation, and per loop three index
 * launches over the pieces. Implementation overview: {@link #run} sets everything up (untimed,
 * like Legion), times the loops alone, then reads the state back for validation.
 */
public final class CircuitSimulation {

    /** Which task variants the launches prefer. */
    public enum Kernels {
        /** The C functions of libcircuit.so. */
        NATIVE,
        /** The Java bodies of {@link CircuitTasks}. */
        JAVA
    }

    /**
     * What a run produced.
     *
     * @param seconds elapsed time of the timed loops
     * @param state   the final node voltages and wire state; null when not read back
     */
    public record Outcome(double seconds, CircuitState state) {}

    private final Runtime rt;
    private final CircuitConfig cfg;
    private final Kernels kernels;
    private final CircuitFields f;
    private final LogicalRegion nodes;
    private final LogicalRegion wires;
    private final IndexSpace pieces;
    private final byte[] args;
    /** Tests replace calc_new_currents' Java body to prove that validation catches a wrong kernel. */
    TaskBodyWithFields calcBody = CircuitTasks::calcNewCurrents;
    /** Tests replace distribute_charge's Java body the same way (a charge path that validation must see). */
    TaskBodyWithFields distBody = CircuitTasks::distributeCharge;
    /** And update_voltages' (a charge left uncleared after the last loop is seen only in the charges). */
    TaskBodyWithFields updBody = CircuitTasks::updateVoltages;

    /** Prepares a simulation of {@code cfg} on {@code rt} (nothing runs yet). */
    public CircuitSimulation(Runtime rt, CircuitConfig cfg, Kernels kernels) {
        this.rt = rt;
        this.cfg = cfg;
        this.kernels = kernels;
        FieldSpace nfs = rt.fieldSpace();
        FieldSpace wfs = rt.fieldSpace();
        this.f = new CircuitFields(nfs, wfs);
        this.nodes = rt.createRegion(rt.indexSpace(cfg.nodes()), nfs);
        this.wires = rt.createRegion(rt.indexSpace(cfg.wires()), wfs);
        this.pieces = rt.indexSpace(cfg.pieces());
        this.args = CircuitTasks.args(cfg);
    }

    /** {@return the path of the native kernels, built by make into apps/circuit/target/native} */
    public static Path nativeLibrary() {
        String root = System.getProperty("legionhrt.root", ".");
        Path lib = Path.of(root, "apps/circuit/target/native/libcircuit.so");
        if (!Files.isRegularFile(lib)) {
            throw new IllegalStateException(lib + " is missing: build it with ./hrt (or make -C apps/circuit)");
        }
        return lib;
    }

    private TaskId<Void> task(String name, TaskBodyWithFields body, String symbol) {
        TaskId<Void> t = rt.registerTask(name, ctx -> body.run(ctx, f));
        if (symbol != null && kernels == Kernels.NATIVE) {
            rt.registerNativeVariant(t, nativeLibrary(), symbol);
        }
        return t;
    }

    @FunctionalInterface
    interface TaskBodyWithFields {
        void run(TaskContext ctx, CircuitFields f) throws Exception;
    }

    /** Runs the simulation and reads the final state back; {@code progress} hears each finished loop. */
    public Outcome run(Consumer<Integer> progress) {
        return run(progress, true);
    }

    /**
     * Runs the simulation; {@code progress} hears each finished loop. Without {@code readBack}
     * (nothing to validate) the outcome's state is null: no plain-array copy of the circuit.
     */
    public Outcome run(Consumer<Integer> progress, boolean readBack) {
        Context ctx = rt.context();
        TaskId<Void> initNodes = task("init_nodes", CircuitTasks::initNodes, null);
        TaskId<Void> initWires = task("init_wires", CircuitTasks::initWires, null);
        TaskId<Void> markShared = task("mark_shared", CircuitTasks::markShared, null);
        TaskId<Void> initLocations = task("init_locations", CircuitTasks::initLocations, null);
        TaskId<Void> calc = task("calc_new_currents", calcBody, "circuit_calc_new_currents");
        TaskId<Void> dist = task("distribute_charge", distBody, "circuit_distribute_charge");
        TaskId<Void> upd = task("update_voltages", updBody, "circuit_update_voltages");

        // Initialisation, in parallel over equal blocks (nodes and wires are laid out by piece).
        Partition equalNodes = ctx.partitionEqual(nodes, pieces);
        Partition equalWires = ctx.partitionEqual(wires, pieces);
        ctx.executeAndWait(launch(initNodes).add(RegionRequirement.of(equalNodes, Privilege.WRITE_DISCARD,
                f.nodeCap, f.leakage, f.charge, f.nodeVoltage, f.pieceColor, f.sharedColor)));
        ctx.executeAndWait(launch(initWires).add(RegionRequirement.of(equalWires, Privilege.WRITE_DISCARD,
                concat(f.wireState(), f.inPtr, f.outPtr, f.inductance, f.resistance, f.wireCap))));

        // Legion's partitions: owned nodes by field, wires by preimage of their in-node,
        // reachable nodes by image of the wires' out-node, ghost = reachable - owned.
        Partition owned = ctx.partitionByField(nodes, f.pieceColor, pieces);
        Partition pieceWires = ctx.partitionByPreimage(wires, owned, f.inPtr, PartitionKind.COMPUTE);
        Partition reachable = ctx.partitionByImage(nodes, pieceWires, f.outPtr, PartitionKind.COMPUTE);
        Partition ghost = ctx.partitionDifference(reachable, owned, PartitionKind.COMPUTE);
        // A node is shared when another piece's wire reaches it: ghosts tell their owners.
        ctx.executeAndWait(launch(markShared).add(RegionRequirement.of(ghost, Privilege.REDUCE(
                ReductionOp.builtin(ReductionOp.Op.MAX, ValueType.INT)), f.sharedColor).withParent(nodes)));
        Partition shared = ctx.partitionByField(nodes, f.sharedColor, pieces);
        Partition priv = ctx.partitionDifference(owned, shared, PartitionKind.COMPUTE);
        ctx.executeAndWait(launch(initLocations)
                .add(RegionRequirement.of(pieceWires, Privilege.READ_WRITE, f.inPtr, f.outPtr, f.inLoc, f.outLoc))
                .add(RegionRequirement.of(owned, Privilege.READ_ONLY, f.sharedColor)));

        ReductionOp<Float> sum = ReductionOp.SUM_FLOAT;
        long start = System.nanoTime();
        for (int loop = 0; loop < cfg.loops(); loop++) {
            ctx.execute(launch(calc)
                    .add(RegionRequirement.of(pieceWires, Privilege.READ_WRITE, f.wireState()))
                    .add(RegionRequirement.of(pieceWires, Privilege.READ_ONLY, f.inPtr, f.outPtr, f.inLoc, f.outLoc,
                            f.inductance, f.resistance, f.wireCap))
                    .add(RegionRequirement.of(priv, Privilege.READ_ONLY, f.nodeVoltage))
                    .add(RegionRequirement.of(shared, Privilege.READ_ONLY, f.nodeVoltage))
                    .add(RegionRequirement.of(ghost, Privilege.READ_ONLY, f.nodeVoltage))).close();
            ctx.execute(launch(dist)
                    .add(RegionRequirement.of(pieceWires, Privilege.READ_ONLY, f.inPtr, f.outPtr, f.inLoc, f.outLoc,
                            f.current[0], f.current[CircuitConfig.WIRE_SEGMENTS - 1]))
                    .add(RegionRequirement.of(priv, Privilege.READ_WRITE, f.charge))
                    .add(RegionRequirement.of(shared, Privilege.REDUCE(sum), f.charge))
                    .add(RegionRequirement.of(ghost, Privilege.REDUCE(sum), f.charge))).close();
            ctx.execute(launch(upd)
                    .add(RegionRequirement.of(priv, Privilege.READ_WRITE, f.nodeVoltage, f.charge))
                    .add(RegionRequirement.of(shared, Privilege.READ_WRITE, f.nodeVoltage, f.charge))
                    .add(RegionRequirement.of(priv, Privilege.READ_ONLY, f.nodeCap, f.leakage))
                    .add(RegionRequirement.of(shared, Privilege.READ_ONLY, f.nodeCap, f.leakage))).close();
            progress.accept(loop + 1);
        }
        ctx.waitAll();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(seconds, readBack ? readBack() : null);
    }

    private IndexLauncher<Void> launch(TaskId<Void> t) {
        return IndexLauncher.of(t, pieces).args(args)
                .prefer(kernels == Kernels.NATIVE ? Variant.NATIVE : Variant.JAVA);
    }

    /** Copies the final state out of the regions into plain arrays (an inline mapping). */
    private CircuitState readBack() {
        CircuitState s = CircuitState.generate(cfg); // static fields as generated; dynamic ones overwritten below
        Context ctx = rt.context();
        try (PhysicalRegion n = ctx.map(nodes, Privilege.READ_ONLY, f.nodeVoltage, f.charge)) {
            n.floatField(f.nodeVoltage).read(0, s.nodeVoltage, 0, s.nodes());
            n.floatField(f.charge).read(0, s.charge, 0, s.nodes());
        }
        try (PhysicalRegion w = ctx.map(wires, Privilege.READ_ONLY, f.wireState())) {
            for (int k = 0; k < CircuitConfig.WIRE_SEGMENTS; k++) {
                w.floatField(f.current[k]).read(0, s.current[k], 0, s.wires());
            }
            for (int k = 0; k < CircuitConfig.WIRE_SEGMENTS - 1; k++) {
                FloatAccessor a = w.floatField(f.wireVoltage[k]);
                a.read(0, s.voltage[k], 0, s.wires());
            }
        }
        return s;
    }

    private static Field[] concat(Field[] a, Field... b) {
        Field[] r = new Field[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
