/**
 * Internal: the FFM layer of the API (not part of the public API; may change at any time).
 * {@code LhrtBindings} is generated from {@code lhrt.h} by {@code legion-api/scripts/gen_bindings.py};
 * handles travel as {@code long} (a one-pointer struct has the ABI of a pointer), points and
 * rectangles by value as segments of their {@code Layouts}. {@code Backend} is the seam where the
 * {@code hrt} backend plugs in: it only has to provide the same {@code lhrt_*} symbols.
 */
package org.legionhrt.legion.internal;
