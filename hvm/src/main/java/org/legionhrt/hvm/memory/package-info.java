/** Guest memory: private RAM at GPA 0 and the merged region at guest-virtual == its JVM address (backed by a low GPA). */
package org.legionhrt.hvm.memory;
