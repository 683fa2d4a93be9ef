/** What a deprivileged kernel is entered with: layout, page tables, GDT/TSS, boot info, CPL3 state. */
package org.legionhrt.hvm.boot;
