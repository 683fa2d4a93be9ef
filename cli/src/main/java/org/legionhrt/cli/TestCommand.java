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
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Override
    public Integer call() throws Exception {
        Path root = Roots.project();
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
