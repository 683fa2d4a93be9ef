package org.legionhrt.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project lives: {@code ./hrt} passes it as {@code -Dlegionhrt.root}. */
final class Roots {
    private Roots() {}

    /** {@return the project root, checked to hold the reactor pom} */
    static Path project() {
        String p = System.getProperty("legionhrt.root", System.getenv().getOrDefault("HRT_ROOT", "."));
        Path root = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new PrerequisiteException("cannot find the legion-hrt tree at " + root + "; run through ./hrt");
        }
        return root;
    }
}
