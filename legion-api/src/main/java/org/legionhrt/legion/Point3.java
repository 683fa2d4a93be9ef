package org.legionhrt.legion;

/** A point of a 3-D index space. @param x first @param y second @param z third coordinate */
public record Point3(long x, long y, long z) {}
