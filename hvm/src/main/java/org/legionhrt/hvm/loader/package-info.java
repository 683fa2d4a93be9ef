/** Kernel images: ELF64 loading and the multiboot2 header with the HRT tag. */
package org.legionhrt.hvm.loader;
