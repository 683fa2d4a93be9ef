/**
 * The hybrid virtual machine (HVM): a Java VMM over Linux KVM, through Panama FFM only, that
 * runs the Nautilus aerokernel (the HRT) beside this JVM (the ROS) and lets both call each
 * other at memory speed.
 *
 * <h2>Packages</h2>
 * <ul>
 *   <li>{@code kvm} — /dev/kvm, VMs and vCPUs: ioctls, registers, the vCPU run loop.</li>
 *   <li>{@code memory} — guest RAM and the merged region (JVM memory at identical addresses).</li>
 *   <li>{@code loader} — ELF64 loading and the multiboot2 header's HRT tag.</li>
 *   <li>{@code boot} — what the VMM builds for a deprivileged kernel: identity page tables,
 *       GDT and TSS, the boot info of {@code nautilus/include/hrt/boot.h}, CPL3 long-mode entry.</li>
 *   <li>{@code devices} — the port-I/O devices: COM1, exit, panic, doze/kick doorbells,
 *       hypercall, the log ring, and the console.</li>
 *   <li>{@code ring} — the ROS→HRT call ring and the HRT→ROS request ring in the comm area.</li>
 *   <li>{@code internal} — the FFM system calls; not an API.</li>
 * </ul>
 *
 * <h2>Threading model</h2>
 * Every vCPU runs {@code KVM_RUN} on its own platform thread (pooled across HVMs) and
 * serves its own exits there; the vCPU lifecycle is the state machine
 * {@code CREATED → RUNNING ⇄ DOZING → STOPPED} of {@link org.legionhrt.hvm.kvm.Vcpu}. A doze
 * parks the vCPU thread until a doorbell; a stop sets {@code immediate_exit} and interrupts
 * {@code KVM_RUN} with SIGPIPE (which HotSpot ignores). Callers of {@link org.legionhrt.hvm.Hvm#call}
 * spin on their ring slot; one process-wide thread drains every HVM's log ring into SLF4J
 * (logger {@code hrt.console}); request-ring threads run the registered Java handlers.
 * All public methods are thread safe; arguments must not be null.
 *
 * <h2>Failures</h2>
 * Everything ends in one {@link org.legionhrt.hvm.HvmException} with a {@code Kind}: the first
 * failure wins, every vCPU stops, the exception carries the faulting vCPU's registers and the
 * last console lines, and {@code close()} releases every fd and mapping so the JVM can boot again.
 *
 * {@snippet :
 * try (Hvm hvm = Hvm.builder().cores(2).memory(256L << 20).merged(64L << 20)
 *         .cmdline(HrtFunctions.SERVE_CMDLINE).boot(NautilusImage.find().orElseThrow())) {
 *     MemorySegment buf = hvm.merged();                  // the same addresses in the HRT
 *     buf.setAtIndex(ValueLayout.JAVA_LONG, 0, 41);
 *     long sum = hvm.call(HrtFunctions.SUM, buf.address(), 1);    // 41, computed in the HRT
 *     hvm.call(HrtFunctions.STOP);
 * }
 * }
 */
package org.legionhrt.hvm;
