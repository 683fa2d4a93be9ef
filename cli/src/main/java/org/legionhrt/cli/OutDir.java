package org.legionhrt.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.legionhrt.apps.Writable;
import picocli.CommandLine;

/**
 * The output folder of {@code bench macro|micro|all}: created and probed before any benchmark
 * runs, so that an unwritable {@code --out} is a usage error up front, not a failure after an
 * hour of measurements.
 */
final class OutDir {
    private OutDir() {}

    /** {@return {@code dir}, created and writable} @throws CommandLine.ParameterException naming the fix */
    static Path prepare(CommandLine cl, Path dir) {
        try {
            Writable.ensureDirectory(dir);
            return dir;
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--out " + dir + ": cannot create the directory ("
                    + Writable.reason(e) + "): give a writable directory");
        }
    }
}
