/**
 * The Java side of the Nautilus aerokernel: find its images, boot them under QEMU, and read
 * what they print (self-test lines, benchmark JSON lines).
 *
 * <p>The kernel ({@code nautilus/}, C and assembly) is built by {@code make} into
 * {@code nautilus/target/native/}: {@code nautilus-ring0.elf} (the classic kernel QEMU boots
 * through {@code -kernel}) and one image per further profile. {@link QemuRunner} starts
 * {@code qemu-system-x86_64} with the serial console on a pipe and the {@code isa-debug-exit}
 * device, so the exit status says how the kernel ended ({@link KernelExit}).
 *
 * {@snippet :
 * Path image = NautilusImages.of(Path.of(".")).ring0();
 * QemuRun run = QemuRunner.run(QemuOptions.of(image).withCores(4), line -> {});
 * TestReport report = TestReport.parse(run.console());
 * if (!report.allPassed()) throw new AssertionError(report.failures());
 * }
 *
 * <p>Policies: arguments are never null; nothing here prints to stdout (a console listener
 * given by the caller receives every kernel line); errors are {@link NautilusException}.
 */
package org.legionhrt.nautilus;
