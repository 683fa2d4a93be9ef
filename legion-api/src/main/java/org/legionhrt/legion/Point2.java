package org.legionhrt.legion;

/** A point of a 2-D index space. @param x first coordinate @param y second coordinate */
public record Point2(long x, long y) {}
