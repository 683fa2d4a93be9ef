package org.legionhrt.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line that starts this very CLI again in a fresh JVM (same JDK, classpath and
 * flags), so the harness can run each benchmark in its own process.
 */
final class SelfLauncher {
    private SelfLauncher() {}

    /** {@return {@code java … org.legionhrt.cli.Main}, ready for sub-command arguments} */
    static List<String> command() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dlegionhrt.root=" + Roots.project(),
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
    }
}
