package org.legionhrt.legion;

/**
 * What a {@link Mapper} is told about a task it places.
 *
 * @param taskId          the task id
 * @param variant         the variant kind chosen (ANY before selection)
 * @param points          number of points of the launch (1 for single tasks)
 * @param launchingWorker the worker that launched it, -1 for a host thread
 * @param workers         workers of the runtime
 * @param point           the task's point ((0) for single tasks)
 */
public record TaskInfo(int taskId, Variant variant, long points, int launchingWorker, int workers, Point point) {}
