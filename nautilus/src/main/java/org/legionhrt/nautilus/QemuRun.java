package org.legionhrt.nautilus;

import java.time.Duration;
import java.util.List;

/**
 * A finished QEMU run.
 *
 * @param exit     how the kernel ended
 * @param status   QEMU's exit status (-1 after a timeout)
 * @param console  every line the kernel printed on its serial console
 * @param elapsed  wall-clock time of the run
 */
public record QemuRun(KernelExit exit, int status, List<String> console, Duration elapsed) {

    /** Copies the console. */
    public QemuRun {
        console = List.copyOf(console);
    }

    /** {@return the last {@code n} console lines, joined by newlines} */
    public String tail(int n) {
        return String.join("\n", console.subList(Math.max(0, console.size() - n), console.size()));
    }
}
