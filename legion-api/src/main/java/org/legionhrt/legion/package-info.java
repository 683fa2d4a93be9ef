/**
 * A typed Java API for Legion-style task programs on the legion-hrt runtime.
 *
 * <h2>Model</h2>
 * Data lives in <em>logical regions</em>: a {@link org.legionhrt.legion.FieldSpace} of typed
 * fields over an {@link org.legionhrt.legion.IndexSpace} of points. Regions are split by
 * {@link org.legionhrt.legion.Partition}s into subregions. <em>Tasks</em> declare, per
 * {@link org.legionhrt.legion.RegionRequirement}, which region (or which subregion of a partition,
 * for each point of an index launch), which fields and which {@link org.legionhrt.legion.Privilege}
 * they use; the runtime orders tasks that conflict and runs the others in parallel. Results
 * come back as {@link org.legionhrt.legion.Future}s.
 *
 * {@snippet :
 * try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
 *     FieldSpace fs = rt.fieldSpace();
 *     Field v = fs.allocate(FieldType.DOUBLE);
 *     LogicalRegion r = rt.createRegion(rt.indexSpace(1000), fs);
 *     rt.context().fill(r, v, 1.0);
 *     Partition blocks = rt.context().partitionEqual(r, 4);
 *     TaskId<Double> sum = rt.registerTask("sum", ValueType.DOUBLE, task -> {
 *         double s = 0;
 *         for (double d : task.region(0).doubleField(v).toArray()) s += d;
 *         return s;
 *     });
 *     double total = rt.context().executeReduce(IndexLauncher.of(sum, blocks.colorSpace())
 *             .add(RegionRequirement.of(blocks, Privilege.READ_ONLY, v)), ReductionOp.SUM_DOUBLE).get();
 * }
 * }
 *
 * <h2>Design</h2>
 * <ul>
 * <li><b>Layers.</b> Public types here are records (points, rectangles, requirements, configs)
 *     and small final classes standing for runtime objects. All FFM code is in
 *     {@code org.legionhrt.legion.internal}: generated downcalls ({@code LhrtBindings}) of one
 *     {@code Backend} (where the {@code lhrt_*} symbols come from: {@code linux} = liblhrt.so
 *     in-process; {@code hrt} = stubs over the HVM call ring, later), per-thread scratch memory for
 *     out-parameters, upcall stubs. No public method takes or returns a raw address.</li>
 * <li><b>Java tasks.</b> The runtime calls its external-executor hook on a worker thread; the
 *     hook (an upcall stub) runs the registered Java body inline there, or hands it to a JVM pool;
 *     or JVM threads pull queued tasks without any upcall
 *     ({@link org.legionhrt.legion.RuntimeConfig.JavaExecution}); then the body completes the task with its
 *     encoded result ({@link org.legionhrt.legion.ValueType}). No exception ever crosses an
 *     upcall.</li>
 * <li><b>Accessors</b> decode the runtime's affine description (base, strides, bounds) once into
 *     final longs and a {@code MemorySegment} covering exactly the addressable bytes, scoped to the
 *     task (confined arena) or the inline mapping; each access is a bounds compare and one memory
 *     access.</li>
 * <li><b>Errors.</b> One exception type, {@link org.legionhrt.legion.LegionException} (with
 *     {@link org.legionhrt.legion.TaskFailedException} for failed tasks); runtime failures carry
 *     the C status and message; Java exceptions of task bodies come back as causes.</li>
 * <li><b>Ownership.</b> Everything native belongs to its {@link org.legionhrt.legion.Runtime};
 *     closing it frees all of it. Objects that own a native handle may be closed earlier.</li>
 * </ul>
 *
 * <h2>Policies</h2>
 * Nulls are rejected unless a parameter says otherwise. A {@code Runtime} and its objects may be
 * used from any platform thread; a {@link org.legionhrt.legion.TaskContext} and the accessors
 * taken from it only from the thread running the task, while it runs. Logging goes through
 * SLF4J; nothing is printed on stdout.
 */
package org.legionhrt.legion;
