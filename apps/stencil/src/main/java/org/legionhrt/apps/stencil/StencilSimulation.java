package org.legionhrt.apps.stencil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.legionhrt.legion.Context;
import org.legionhrt.legion.Field;
import org.legionhrt.legion.FieldSpace;
import org.legionhrt.legion.FieldType;
import org.legionhrt.legion.IndexLauncher;
import org.legionhrt.legion.IndexSpace;
import org.legionhrt.legion.LogicalRegion;
import org.legionhrt.legion.Partition;
import org.legionhrt.legion.PartitionKind;
import org.legionhrt.legion.PhysicalRegion;
import org.legionhrt.legion.Point2;
import org.legionhrt.legion.Privilege;
import org.legionhrt.legion.Point;
import org.legionhrt.legion.Rect;
import org.legionhrt.legion.Rect2;
import org.legionhrt.legion.RegionRequirement;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.TaskId;
import org.legionhrt.legion.Variant;

/**
 * The PRK star stencil as index launches over tiles: tiles are an equal partition of the
 * grid; each tile reads a halo (the tile grown by the radius, an aliased partition by explicit
 * coloring) and writes its interior points (a disjoint one). Per step: {@code stencil}, then
 * {@code increment}; the runtime orders them by their region requirements alone.
 */
public final class StencilSimulation {

    /** Which variants the launches prefer. */
    public enum Kernels {
        /** libstencil.so */
        NATIVE,
        /** {@link StencilTasks} */
        JAVA
    }

    /**
     * What a run produced.
     *
     * @param seconds      time of the timed steps (tprune..tsteps-tprune-1)
     * @param meanAbsOut   mean |output| over the interior
     * @param inputErrors  input points not equal to their expected value
     * @param outputErrors output points off their expected value: an interior point further than
     *                     {@link StencilCommand#EPSILON} from the closed form (every interior point
     *                     holds it, not just their mean), a boundary point other than the initial value
     */
    public record Outcome(double seconds, double meanAbsOut, long inputErrors, long outputErrors) {
        /** {@return whether this outcome of {@code cfg} validates: mean, every input and every output point} */
        public boolean validates(StencilConfig cfg) {
            return cfg.error(meanAbsOut) <= StencilCommand.EPSILON && inputErrors == 0 && outputErrors == 0;
        }
    }

    private final Runtime rt;
    private final StencilConfig cfg;
    private final Kernels kernels;
    /** Tests replace the stencil task's Java body to prove that validation catches a wrong kernel. */
    StencilBody stencilBody = StencilTasks::stencil;

    /** A Java body of the stencil task (the context, the input and output fields). */
    @FunctionalInterface
    interface StencilBody {
        void run(org.legionhrt.legion.TaskContext ctx, Field in, Field out);
    }

    /** Prepares a run of {@code cfg} on {@code rt}. */
    public StencilSimulation(Runtime rt, StencilConfig cfg, Kernels kernels) {
        this.rt = rt;
        this.cfg = cfg;
        this.kernels = kernels;
    }

    /** {@return the native kernels, built by make into apps/stencil/target/native} */
    public static Path nativeLibrary() {
        Path lib = Path.of(System.getProperty("legionhrt.root", "."), "apps/stencil/target/native/libstencil.so");
        if (!Files.isRegularFile(lib)) {
            throw new IllegalStateException(lib + " is missing: build it with ./hrt (or make -C apps/stencil)");
        }
        return lib;
    }

    /** Runs every step and checks the result against the closed form. */
    public Outcome run() {
        FieldSpace fs = rt.fieldSpace();
        Field in = fs.allocate(FieldType.DOUBLE, StencilTasks.FID_INPUT);
        Field out = fs.allocate(FieldType.DOUBLE, StencilTasks.FID_OUTPUT);
        LogicalRegion grid = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, cfg.nx() - 1, cfg.ny() - 1)), fs);
        IndexSpace tiles = rt.indexSpace(Rect2.of(0, 0, cfg.ntx() - 1, cfg.nty() - 1));
        Context ctx = rt.context();
        Partition tile = ctx.partitionEqual(grid, tiles);
        int r = cfg.radius();
        Map<Point, List<Rect>> halos = new LinkedHashMap<>();
        Map<Point, List<Rect>> interiors = new LinkedHashMap<>();
        for (long tx = 0; tx < cfg.ntx(); tx++) {
            for (long ty = 0; ty < cfg.nty(); ty++) {
                Point2 c = new Point2(tx, ty);
                Rect2 b = (Rect2) tile.subregion(c).bounds();
                halos.put(c, List.of(Rect2.of(Math.max(0, b.lo().x() - r), Math.max(0, b.lo().y() - r),
                        Math.min(cfg.nx() - 1, b.hi().x() + r), Math.min(cfg.ny() - 1, b.hi().y() + r))));
                interiors.put(c, List.of(Rect2.of(Math.max(r, b.lo().x()), Math.max(r, b.lo().y()),
                        Math.min(cfg.nx() - 1 - r, b.hi().x()), Math.min(cfg.ny() - 1 - r, b.hi().y()))));
            }
        }
        Partition halo = ctx.partitionByRects(grid, tiles, halos, PartitionKind.COMPUTE);
        Partition interior = ctx.partitionByRects(grid, tiles, interiors, PartitionKind.COMPUTE);

        TaskId<Void> init = rt.registerTask("stencil_init", c -> StencilTasks.init(c, in, out));
        TaskId<Void> stencil = rt.registerTask("stencil", c -> stencilBody.run(c, in, out));
        TaskId<Void> increment = rt.registerTask("increment", c -> StencilTasks.increment(c, in));
        if (kernels == Kernels.NATIVE) {
            rt.registerNativeVariant(stencil, nativeLibrary(), "stencil_apply");
            rt.registerNativeVariant(increment, nativeLibrary(), "stencil_increment");
        }
        byte[] args = StencilTasks.args(cfg);
        Variant v = kernels == Kernels.NATIVE ? Variant.NATIVE : Variant.JAVA;
        ctx.executeAndWait(IndexLauncher.of(init, tiles).args(args)
                .add(RegionRequirement.of(tile, Privilege.WRITE_DISCARD, in, out)));
        long start = 0;
        long stop = 0;
        for (int step = 0; step < cfg.tsteps(); step++) {
            if (step == cfg.tprune()) {
                ctx.waitAll();
                start = System.nanoTime();
            }
            ctx.execute(IndexLauncher.of(stencil, tiles).args(args).prefer(v)
                    .add(RegionRequirement.of(halo, Privilege.READ_ONLY, in))
                    .add(RegionRequirement.of(interior, Privilege.READ_WRITE, out))).close();
            ctx.execute(IndexLauncher.of(increment, tiles).args(args).prefer(v)
                    .add(RegionRequirement.of(tile, Privilege.READ_WRITE, in))).close();
            if (step == cfg.tsteps() - cfg.tprune() - 1) {
                ctx.waitAll();
                stop = System.nanoTime();
            }
        }
        ctx.waitAll();
        return check(grid, in, out, (stop - start) / 1e9);
    }

    private Outcome check(LogicalRegion grid, Field in, Field out, double seconds) {
        int r = cfg.radius();
        double sum = 0;
        long bad = 0;
        long badOut = 0;
        try (PhysicalRegion pr = rt.context().map(grid, Privilege.READ_ONLY, in, out)) {
            var a = pr.doubleField(in);
            var b = pr.doubleField(out);
            for (long y = 0; y < cfg.ny(); y++) {
                for (long x = 0; x < cfg.nx(); x++) {
                    // The input gains exactly 1 per step: small integers plus a linear field stay exact.
                    bad += a.get(x, y) != StencilConfig.CX * x + StencilConfig.CY * y + cfg.tsteps() ? 1 : 0;
                    double v = b.get(x, y);
                    if (y >= r && y < cfg.ny() - r && x >= r && x < cfg.nx() - r) {
                        sum += Math.abs(v);
                        // Every interior point holds the closed form, not only their mean: the mean
                        // alone let a few wrong points through (4 of 3 M moved it by 7.6e-9).
                        badOut += cfg.pointError(v) <= StencilCommand.EPSILON ? 0 : 1;
                    } else {
                        badOut += v == cfg.init() ? 0 : 1;      // the boundary is never written
                    }
                }
            }
        }
        double mean = sum / ((cfg.nx() - 2.0 * r) * (cfg.ny() - 2.0 * r));
        return new Outcome(seconds, mean, bad, badOut);
    }
}
