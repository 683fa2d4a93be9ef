/*
 * The guest's console as lines: bytes from COM1 and the log ring are assembled into lines,
 * each logged through SLF4J (logger "hrt.console"), handed to an optional listener (the CLI
 * prints them), and the last lines kept for failure reports.
 */
package org.legionhrt.hvm.devices;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Line assembly and history for guest output; thread safe. */
public final class Console {
    private static final Logger LOG = LoggerFactory.getLogger("hrt.console");
    private static final int KEEP = 40;

    private final ArrayDeque<String> last = new ArrayDeque<>();
    private final java.util.Map<Integer, ByteArrayOutputStream> serialLines = new java.util.TreeMap<>();
    private final ByteArrayOutputStream ringLine = new ByteArrayOutputStream();
    private final Consumer<String> listener;

    /** Creates a console; {@code listener} (may be null) receives every complete line. */
    public Console(Consumer<String> listener) {
        this.listener = listener;
    }

    /** One byte written by CPU {@code cpu} to COM1 (lines are assembled per CPU). */
    public synchronized void serialByte(int cpu, int b) {
        put(serialLines.computeIfAbsent(cpu, k -> new ByteArrayOutputStream()), b);
    }

    /** Bytes read from the log ring. */
    public synchronized void ringBytes(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            put(ringLine, data[i] & 0xff);
        }
    }

    private void put(ByteArrayOutputStream line, int b) {
        if (b == '\n') {
            emit(line);
        } else if (b != '\r') {
            line.write(b);
            if (line.size() > 4096) {
                emit(line);
            }
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (last.size() == KEEP) {
            last.removeFirst();
        }
        last.addLast(s);
        LOG.info("{}", s);
        if (listener != null) {
            listener.accept(s);
        }
    }

    /** Emits any partial lines (at shutdown). */
    public synchronized void flush() {
        for (ByteArrayOutputStream line : serialLines.values()) {
            if (line.size() > 0) {
                emit(line);
            }
        }
        if (ringLine.size() > 0) {
            emit(ringLine);
        }
    }

    /** {@return the last lines, oldest first} */
    public synchronized List<String> lastLines() {
        return List.copyOf(last);
    }
}
