package org.legionhrt.apps;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Up-front checks that an output can be written, so that a run whose results land in a file
 * or folder is refused before it starts rather than failing after the work. A real probe
 * file is made and removed: as root, {@link Files#isWritable} says yes even under /proc.
 */
public final class Writable {
    private Writable() {}

    /** Makes and removes a probe file in {@code dir}. @throws IOException when that fails */
    public static void probe(Path dir) throws IOException {
        Files.delete(Files.createTempFile(dir, ".hrt-probe-", ".tmp"));
    }

    /**
     * Creates {@code dir} (and its parents) if needed and probes it.
     *
     * @throws IOException naming why it cannot hold files
     */
    public static void ensureDirectory(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "it exists and is not a directory");
        }
        Files.createDirectories(dir);
        probe(dir);
    }

    /** {@return a short reason for {@code e}, e.g. "permission denied" or "no such file or directory"} */
    public static String reason(Exception e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists and is not a directory";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
