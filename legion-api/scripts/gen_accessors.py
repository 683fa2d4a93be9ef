#!/usr/bin/env python3
"""Generates the four typed accessors (Double/Float/Int/LongAccessor) from Accessor.java.tmpl.

Run from the repository root: python3 legion-api/scripts/gen_accessors.py
"""
import pathlib
HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "src/main/java/org/legionhrt/legion"
t = (HERE / "Accessor.java.tmpl").read_text()
for name, prim, layout, size, apply in [("DoubleAccessor", "double", "JAVA_DOUBLE_UNALIGNED", 8, "applyDouble"),
                                        ("FloatAccessor", "float", "JAVA_FLOAT_UNALIGNED", 4, "applyDouble"),
                                        ("IntAccessor", "int", "JAVA_INT_UNALIGNED", 4, "applyLong"),
                                        ("LongAccessor", "long", "JAVA_LONG_UNALIGNED", 8, "applyLong")]:
    s = (t.replace("@NAME@", name).replace("@PRIM@", prim).replace("@LAYOUT@", layout)
          .replace("@SIZE@", str(size)).replace("@APPLY@", apply)
          .replace("@CAST@", "" if prim in ("double", "long") else "(" + prim + ") "))
    (OUT / (name + ".java")).write_text(s)
