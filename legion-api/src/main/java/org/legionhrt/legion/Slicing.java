package org.legionhrt.legion;

/**
 * How an index launch is cut into slices for the workers.
 *
 * @param grain       a worker runs at most this many points before splitting the rest
 * @param spread      whether initial slices are dealt to all workers (else all go to firstWorker)
 * @param firstWorker where slices start when not spread
 */
public record Slicing(long grain, boolean spread, int firstWorker) {}
