/** FFM bindings of the Linux system calls the VMM uses; internal, not an API. */
package org.legionhrt.hvm.internal;
