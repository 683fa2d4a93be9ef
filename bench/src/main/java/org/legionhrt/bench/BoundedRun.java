package org.legionhrt.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark source in its own process with a deadline that really bounds it: the
 * output is drained by a reader thread while the harness waits, so a child that keeps its
 * stdout open past the deadline is killed (with its descendants) instead of blocking the read.
 */
public final class BoundedRun {

    /**
     * How it ended.
     *
     * @param exit     the exit status (-1 when it timed out)
     * @param timedOut whether the deadline killed it
     * @param output   stdout and stderr, merged
     */
    public record Outcome(int exit, boolean timedOut, String output) {}

    private BoundedRun() {}

    /**
     * Runs {@code command} for at most {@code timeoutSeconds}.
     *
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted while waiting (the child is killed first)
     */
    public static Outcome run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), buf));
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill(p);
                reader.join(TimeUnit.SECONDS.toMillis(5));
                return new Outcome(-1, true, text(buf));
            }
            reader.join();
            return new Outcome(p.exitValue(), false, text(buf));
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void drain(InputStream in, ByteArrayOutputStream buf) {
        byte[] b = new byte[8192];
        try (in) {
            for (int n; (n = in.read(b)) >= 0; ) {
                synchronized (buf) {
                    buf.write(b, 0, n);
                }
            }
        } catch (IOException e) {
            // the child was killed: what was read so far is kept
        }
    }

    private static String text(ByteArrayOutputStream buf) {
        synchronized (buf) {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
