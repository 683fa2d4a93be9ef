/** Guest memory: private RAM at GPA 0 and the merged region at GPA == its JVM address. */
package org.legionhrt.hvm.memory;
