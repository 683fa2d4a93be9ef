package org.legionhrt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt doctor}: checks every prerequisite, one line each with ✓/✗ and the fix, and
 * with {@code --install} installs the missing Debian packages (as root).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the JDK, Maven, gcc, make, QEMU, KVM and huge pages; --install adds missing packages.")
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--install", description = "Install missing Debian packages (apt-get; needs root).")
    boolean install;

    /** One prerequisite: how to probe it and which Debian package provides it. */
    record Requirement(String name, String debianPackage, boolean required, Supplier<Check> probe) {}

    /** The outcome of one probe. */
    record Check(boolean ok, String detail, String fix) {
        static Check ok(String detail) {
            return new Check(true, detail, "");
        }

        static Check missing(String detail, String fix) {
            return new Check(false, detail, fix);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Requirement> reqs = requirements();
        List<Requirement> missing = report(reqs);
        if (install && !missing.isEmpty()) {
            installPackages(missing);
            System.out.println("after install:");
            missing = report(reqs);
        }
        boolean requiredMissing = missing.stream().anyMatch(Requirement::required);
        if (requiredMissing) {
            System.out.println("doctor: required prerequisites are missing (run ./hrt doctor --install as root)");
            return Main.EXIT_USAGE;
        }
        System.out.println("doctor: ready");
        return 0;
    }

    /** Prints every check; returns the requirements that failed. */
    private static List<Requirement> report(List<Requirement> reqs) {
        List<Requirement> failed = new ArrayList<>();
        for (Requirement r : reqs) {
            Check c = r.probe().get();
            String mark = c.ok() ? "✓" : (r.required() ? "✗" : "!");
            String line = String.format("%s %-6s %s", mark, r.name(), c.detail());
            if (!c.ok()) {
                line += "  — fix: " + c.fix() + (r.required() ? "" : " (optional)");
                failed.add(r);
            }
            System.out.println(line);
        }
        return failed;
    }

    static List<Requirement> requirements() {
        return List.of(
                new Requirement("jdk", null, true, DoctorCommand::checkJdk),
                new Requirement("maven", "maven", true, () -> tool("mvn", "-v", "sudo apt-get install maven")),
                new Requirement("gcc", "gcc", true, () -> tool("gcc", "--version", "sudo apt-get install gcc")),
                new Requirement("make", "make", true, () -> tool("make", "--version", "sudo apt-get install make")),
                new Requirement("qemu", "qemu-system-x86", true,
                        () -> tool("qemu-system-x86_64", "--version", "sudo apt-get install qemu-system-x86")),
                new Requirement("kvm", null, false, DoctorCommand::checkKvm),
                new Requirement("thp", null, false, () -> checkHugePages(Path.of(THP_SETTING))));
    }

    static final String THP_SETTING = "/sys/kernel/mm/transparent_hugepage/enabled";

    /**
     * Transparent huge pages back the HRT's boot working set (the first 4 MiB of guest RAM)
     * with 2 MiB pages; without them each 4 KiB first touch while the kernel boots is a host
     * fault and a PVM shadow-paging exit, and boots are slower. (The merged region uses them
     * only when asked: -Dhvm.merged.thp=true.)
     */
    static Check checkHugePages(Path setting) {
        String mode;
        try {
            String line = Files.readString(setting).trim();
            int open = line.indexOf('['), close = line.indexOf(']');
            mode = open >= 0 && close > open ? line.substring(open + 1, close) : line;
        } catch (IOException e) {
            return Check.missing("cannot read " + setting + " (" + e.getMessage() + ")",
                    "the HRT's boot working set then uses 4 KiB pages: boots take longer");
        }
        String fix = "echo madvise | sudo tee " + setting + " (else the HRT boots on 4 KiB pages, more slowly)";
        return mode.equals("always") || mode.equals("madvise")
                ? Check.ok("transparent huge pages: " + mode + " (the HRT boots on 2 MiB pages)")
                : Check.missing("transparent huge pages: " + mode, fix);
    }

    private static Check checkJdk() {
        int feature = Runtime.version().feature();
        String where = System.getProperty("java.home");
        return feature >= 22
                ? Check.ok("JDK " + Runtime.version() + " (" + where + ")")
                : Check.missing("JDK " + feature + " has no final FFM", "install a JDK >= 22, e.g. Temurin 25");
    }

    private static Check tool(String program, String versionFlag, String fix) {
        return Exec.capture(List.of(program, versionFlag), Duration.ofSeconds(20))
                .filter(Exec.Result::ok)
                .map(r -> Check.ok(r.firstLine()))
                .orElseGet(() -> Check.missing(program + " not found on PATH", fix));
    }

    private static Check checkKvm() {
        KvmProbe p = Kvm.probe();
        if (!p.usable()) {
            return Check.missing("/dev/kvm unusable: " + p.problem(),
                    "enable KVM (load kvm_intel/kvm_amd, add yourself to group kvm); without it, use --backend linux");
        }
        return Check.ok("/dev/kvm usable: API version " + p.apiVersion() + ", VM created; guest ring 0 "
                + p.ring0Mode() + ("emulated".equals(p.ring0Mode()) ? " (HRT runs deprivileged here)" : ""));
    }

    private static void installPackages(List<Requirement> missing) throws Exception {
        Set<String> pkgs = new LinkedHashSet<>();
        missing.stream().filter(r -> r.debianPackage() != null).forEach(r -> pkgs.add(r.debianPackage()));
        if (pkgs.isEmpty()) {
            System.out.println("doctor: nothing installable by apt-get among the missing checks");
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new PrerequisiteException("--install needs root: sudo ./hrt doctor --install (packages: "
                    + String.join(" ", pkgs) + ")");
        }
        System.out.println("doctor: apt-get update && apt-get install -y " + String.join(" ", pkgs));
        if (Exec.inherit(List.of("apt-get", "update", "-qq")) != 0) {
            throw new PrerequisiteException("apt-get update failed; check the package sources");
        }
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
        cmd.addAll(pkgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        if (pb.start().waitFor() != 0) {
            throw new PrerequisiteException("apt-get install failed for: " + String.join(" ", pkgs));
        }
    }
}
