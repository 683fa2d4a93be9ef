package org.legionhrt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./hrt test}: the whole test suite ({@code mvn verify} under the JDK {@code ./hrt}
 * chose), then one summary: JUnit results from the Surefire reports written by this run plus
 * the C suites' {@code N passed, N failed} lines.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run the whole test suite (mvn verify) and print a summary.")
final class TestCommand implements Callable<Integer> {

    @Option(names = {"-m", "--module"}, description = "Only these modules (e.g. hvm,nautilus), with what they need.")
    String modules;

    @Parameters(description = "Extra arguments passed to Maven (e.g. -Dtest=KvmTest).")
    List<String> mavenArgs = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path root = Roots.project();
        if (modules != null) {
            checkModules(spec.commandLine(), modules, knownModules(root));
        }
        long start = System.currentTimeMillis();
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "verify"));
        if (modules != null) {
            cmd.addAll(List.of("-pl", modules, "-am"));
        }
        cmd.addAll(mavenArgs);
        TestSummary summary = new TestSummary();
        int status = runMaven(cmd, root, summary);
        addSurefireReports(root, start, summary);
        summary.print(System.out);
        if (status != 0 && summary.failed() == 0) {
            System.out.println("test: the build failed before all tests ran (mvn exit " + status + "; see above)");
        }
        return status == 0 && summary.failed() == 0 ? 0 : Main.EXIT_FAILED;
    }

    /** {@return the module folders the root pom lists ({@code <module>…</module>}), in its order} */
    static List<String> knownModules(Path root) throws IOException {
        Matcher m = Pattern.compile("<module>\\s*([^<]+?)\\s*</module>").matcher(Files.readString(root.resolve("pom.xml")));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * Checks {@code -m} before Maven starts (an unknown module was Maven's error and exit 1, a
     * failed test run): every name is a module folder, or {@code [group]:artifact} that Maven
     * resolves itself, optionally excluded with {@code !} or {@code -}.
     *
     * @throws ParameterException naming the modules there are
     */
    static void checkModules(CommandLine cl, String modules, List<String> known) {
        for (String raw : modules.split(",", -1)) {
            String name = raw.strip().replaceFirst("^[!-]", "").replaceFirst("/+$", "");
            if (name.isEmpty() || !name.contains(":") && !known.contains(name)) {
                throw new ParameterException(cl, "-m " + modules + ": " + (name.isEmpty() ? "an empty module name" : "no module '" + name + "'")
                        + ": use module folders separated by commas (" + String.join(", ", known) + ") or :artifactId");
            }
        }
    }

    /** Streams Maven's output to the terminal and feeds C test result lines to the summary. */
    private static int runMaven(List<String> cmd, Path root, TestSummary summary)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String module = "?";
            while ((line = r.readLine()) != null) {
                System.out.println(line);
                module = TestSummary.moduleOf(line, module);
                summary.acceptNativeLine(module, line);
            }
        }
        return p.waitFor();
    }

    private static void addSurefireReports(Path root, long since, TestSummary summary) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> reports = files
                    .filter(f -> f.getFileName().toString().startsWith("TEST-") && f.toString().endsWith(".xml"))
                    .filter(f -> f.getParent().getFileName().toString().equals("surefire-reports"))
                    .filter(f -> f.toFile().lastModified() >= since)
                    .toList();
            for (Path f : reports) {
                summary.acceptSurefireReport(root.relativize(f), Files.readString(f));
            }
        }
    }
}
