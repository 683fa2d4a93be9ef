package org.legionhrt.nautilus;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a kernel image under {@code qemu-system-x86_64} and collects its serial console.
 * QEMU's stdout is the serial port (a pipe); a reader thread hands each line to the caller's
 * listener as it arrives, so a hang shows where it happened. After the timeout QEMU is
 * killed and the run reports {@link KernelExit#TIMEOUT} with the lines seen so far.
 */
public final class QemuRunner {
    private static final Logger log = LoggerFactory.getLogger(QemuRunner.class);

    /** The QEMU binary, looked up on the PATH. */
    public static final String QEMU = "qemu-system-x86_64";

    private QemuRunner() {}

    /** {@return whether qemu-system-x86_64 is on the PATH} */
    public static boolean available() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, QEMU))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Boots the image and waits for the kernel to exit or the timeout.
     *
     * @param opts    how to boot
     * @param console receives every console line (without the trailing CR) as it arrives
     * @return the finished run
     * @throws NautilusException if QEMU is missing or cannot be started
     */
    public static QemuRun run(QemuOptions opts, Consumer<String> console) {
        if (!available()) {
            throw new NautilusException(QEMU + " not found; install it: sudo apt-get install qemu-system-x86 (or ./hrt doctor --install)");
        }
        List<String> cmd = opts.command();
        log.debug("starting {}", cmd);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new NautilusException("cannot start " + QEMU + ": " + e.getMessage(), e);
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().daemon().name("qemu-console").start(() -> pump(p, lines, console));
        try {
            boolean done = p.waitFor(opts.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2000);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            synchronized (lines) {
                return done ? new QemuRun(KernelExit.fromQemuStatus(p.exitValue()), p.exitValue(), lines, elapsed)
                        : new QemuRun(KernelExit.TIMEOUT, -1, lines, elapsed);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NautilusException("interrupted while waiting for QEMU", e);
        }
    }

    private static void pump(Process p, List<String> lines, Consumer<String> console) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                String line = l.replace("\r", "");
                lines.add(line);
                console.accept(line);
            }
        } catch (IOException e) {
            log.debug("console closed: {}", e.getMessage());
        }
    }
}
