package org.legionhrt.legion;

/** A point of a 1-D index space. @param x the coordinate */
public record Point1(long x) {}
