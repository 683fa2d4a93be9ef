package org.legionhrt.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long harness on stderr: a redrawn bar on a terminal, one plain line per step
 * otherwise, so that a log file does not get one huge line of carriage returns.
 */
final class Progress implements AutoCloseable {
    private final String task;
    private final int max;
    private final ProgressBar bar;     // null when stderr is not a terminal
    private int done;

    private Progress(String task, int max, ProgressBar bar) {
        this.task = task;
        this.max = max;
        this.bar = bar;
    }

    /** {@return a progress of {@code max} steps, drawn as a bar only where stderr is a terminal} */
    static Progress start(String task, int max) {
        ProgressBar bar = stderrIsTerminal() ? new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        return new Progress(task, max, bar);
    }

    /** One step done; {@code what} names it. */
    void step(String what) {
        done++;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(what);
        } else {
            System.err.println(task + ": " + done + "/" + max + " " + what);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * {@return whether stderr is a terminal}: the JVM must have an interactive console (stdin and
     * stdout on a terminal) and, where /proc says, file descriptor 2 must be a tty as well.
     */
    static boolean stderrIsTerminal() {
        Console c = System.console();
        if (c == null || !c.isTerminal()) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return true;             // no /proc: trust the console
        }
    }
}
