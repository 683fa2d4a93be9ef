/**
 * What a kernel is entered with: for the deprivileged profile the layout, page tables,
 * GDT/TSS, boot info and CPL3 state; for the ring0 profile the multiboot2 information, the
 * ACPI tables and the 32-bit protected-mode entry state.
 */
package org.legionhrt.hvm.boot;
