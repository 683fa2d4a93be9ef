package org.legionhrt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small helpers to run external tools (version probes, installers) with a timeout. */
final class Exec {
    private Exec() {}

    /** What a finished process printed (stdout and stderr merged) and its exit status. */
    record Result(int status, String output) {
        boolean ok() {
            return status == 0;
        }

        /** {@return the first non-blank line of the output, or ""} */
        String firstLine() {
            // Tools such as mvn colour their banner: keep the text only.
            return output.lines().filter(l -> !l.isBlank()).findFirst().orElse("")
                    .replaceAll("\u001B\\[[0-9;]*m", "").strip();
        }
    }

    /**
     * Runs {@code command} and captures its output; empty when the program does not exist
     * or does not finish within {@code timeout}.
     */
    static Optional<Result> capture(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Runs {@code command} with the terminal's streams and returns its exit status. */
    static int inherit(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
