package org.legionhrt.apps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The HRT image of an app (backend hrt): the runtime's HRT image with the app's C kernels linked
 * in, so that the HRT resolves their symbols as the Linux backend resolves them with dlsym.
 * Built on demand by {@code make -C apps/<app> hrt} into {@code apps/<app>/target/native/lhrt-<app>.elf}.
 */
public final class HrtImage {
    private HrtImage() {}

    /** {@return the image of {@code app}, (re)built by make} @throws IllegalStateException if make fails */
    public static synchronized Path of(String app) {
        Path root = Path.of(System.getProperty("legionhrt.root", ".")).toAbsolutePath().normalize();
        Path dir = root.resolve("apps").resolve(app);
        Path image = dir.resolve("target/native/lhrt-" + app + ".elf");
        try {
            Process p = new ProcessBuilder("make", "-s", "-C", dir.toString(), "hrt").redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(image)) {
                p.destroyForcibly();
                throw new IllegalStateException("building the HRT image of " + app + " failed (make -C " + dir
                        + " hrt):\n" + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run make for the HRT image of " + app + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the HRT image of " + app, e);
        }
        return image;
    }
}
