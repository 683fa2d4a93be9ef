package org.legionhrt.apps.circuit;

import org.legionhrt.legion.Field;
import org.legionhrt.legion.FieldSpace;
import org.legionhrt.legion.FieldType;

/**
 * The circuit's fields, with fixed ids that the native kernels ({@code src/main/c/circuit.c})
 * use too: node fields and wire fields, as in Legion's circuit.
 */
final class CircuitFields {
    static final int NODE_CAP = 1;
    static final int LEAKAGE = 2;
    static final int CHARGE = 3;
    static final int NODE_VOLTAGE = 4;
    static final int PIECE_COLOR = 5;
    /** The owning piece for a node that other pieces' wires reach, -1 for a private node. */
    static final int SHARED_COLOR = 6;
    static final int CURRENT = 10;      // 10..19: segment currents
    static final int WIRE_VOLTAGE = 20; // 20..28: inner voltages
    static final int IN_PTR = 30;
    static final int OUT_PTR = 31;
    static final int IN_LOC = 32;
    static final int OUT_LOC = 33;
    static final int INDUCTANCE = 34;
    static final int RESISTANCE = 35;
    static final int WIRE_CAP = 36;

    /** Where a wire's endpoint lives from its own piece's point of view. */
    static final int LOC_PRIVATE = 0;
    static final int LOC_SHARED = 1;
    static final int LOC_GHOST = 2;

    /** Bytes per node and per wire of the fields allocated below (keep in step with the constructor). */
    static final long NODE_BYTES = 4 * Float.BYTES + 2 * Integer.BYTES;
    static final long WIRE_BYTES = (2L * CircuitConfig.WIRE_SEGMENTS - 1) * Float.BYTES + 2 * Long.BYTES
            + 2 * Integer.BYTES + 3 * Float.BYTES;

    final Field nodeCap, leakage, charge, nodeVoltage, pieceColor, sharedColor;
    final Field[] current = new Field[CircuitConfig.WIRE_SEGMENTS];
    final Field[] wireVoltage = new Field[CircuitConfig.WIRE_SEGMENTS - 1];
    final Field inPtr, outPtr, inLoc, outLoc, inductance, resistance, wireCap;

    CircuitFields(FieldSpace nodes, FieldSpace wires) {
        nodeCap = nodes.allocate(FieldType.FLOAT, NODE_CAP);
        leakage = nodes.allocate(FieldType.FLOAT, LEAKAGE);
        charge = nodes.allocate(FieldType.FLOAT, CHARGE);
        nodeVoltage = nodes.allocate(FieldType.FLOAT, NODE_VOLTAGE);
        pieceColor = nodes.allocate(FieldType.INT, PIECE_COLOR);
        sharedColor = nodes.allocate(FieldType.INT, SHARED_COLOR);
        for (int i = 0; i < current.length; i++) {
            current[i] = wires.allocate(FieldType.FLOAT, CURRENT + i);
        }
        for (int i = 0; i < wireVoltage.length; i++) {
            wireVoltage[i] = wires.allocate(FieldType.FLOAT, WIRE_VOLTAGE + i);
        }
        inPtr = wires.allocate(FieldType.LONG, IN_PTR);
        outPtr = wires.allocate(FieldType.LONG, OUT_PTR);
        inLoc = wires.allocate(FieldType.INT, IN_LOC);
        outLoc = wires.allocate(FieldType.INT, OUT_LOC);
        inductance = wires.allocate(FieldType.FLOAT, INDUCTANCE);
        resistance = wires.allocate(FieldType.FLOAT, RESISTANCE);
        wireCap = wires.allocate(FieldType.FLOAT, WIRE_CAP);
    }

    /** {@return the currents and inner voltages: what calc_new_currents writes} */
    Field[] wireState() {
        Field[] f = new Field[current.length + wireVoltage.length];
        System.arraycopy(current, 0, f, 0, current.length);
        System.arraycopy(wireVoltage, 0, f, current.length, wireVoltage.length);
        return f;
    }
}
