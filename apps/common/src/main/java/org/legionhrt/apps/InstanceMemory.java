package org.legionhrt.apps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an app's region instances need, checked before anything runs: a problem too big for this
 * host is refused with the flags to lower, and on backend hrt the merged region (where every
 * instance lives, mapped lazily) is sized to hold them instead of the runtime's default.
 */
public final class InstanceMemory {
    /** The hrt backend's default instance memory (HrtBackend.DEFAULT_INSTANCES). */
    static final long HRT_DEFAULT = 1L << 30;
    /** The most instance memory backend hrt can map (its guest page tables), as the API states it. */
    static final long HRT_MOST = org.legionhrt.legion.RuntimeConfig.maxHrtMemorySize();
    /** Room beyond the instances themselves: arena alignment and fragmentation. */
    static final double SLACK = 1.25;

    private InstanceMemory() {}

    /**
     * {@return the instance memory size to configure for {@code bytes} of instances on backend
     * {@code b}: 0 (the backend's default) where that holds them}
     *
     * @throws IllegalArgumentException when this host's memory cannot hold them, naming {@code lower}
     */
    public static long size(Backend b, long bytes, String lower) {
        return size(b, bytes, lower, hostBytes());
    }

    static long size(Backend b, long bytes, String lower, long host) {
        long limit = limit(host);
        if (bytes < 0 || bytes > limit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the region instances need %s, more than the %s (3/4 of the %s of memory available to this process) instances may use: "
                            + "lower %s", human(bytes), human(limit), human(host), lower));
        }
        if (b != Backend.HRT) {
            return 0;
        }
        long need = (long) (bytes * SLACK);
        if (need <= HRT_DEFAULT) {
            return 0;
        }
        long size = (need + (64L << 20) - 1) & -(64L << 20);
        if (size > HRT_MOST) {   // else Runtime.start refuses it in API terms (RuntimeConfig.withMemorySize), after the settings
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the region instances need %s, %s of instance "
                    + "memory with room to place them, more than the %s backend hrt can map: lower %s, or use --backend linux",
                    human(bytes), human(size), human(HRT_MOST), lower));
        }
        return size;
    }

    /** {@return the most instance memory a host of {@code host} bytes may give: 3/4, the rest for the JVM and the OS} */
    static long limit(long host) {
        return host / 4 * 3;
    }

    /**
     * {@return the memory this process may use: the JDK's view, which is the smaller of physical
     * memory and the cgroup (v1 or v2) limit of a container or a systemd slice; MemTotal of
     * /proc/meminfo where the JDK's management module is missing (a jlinked runtime); or
     * Long.MAX_VALUE where neither can be read}
     */
    static long hostBytes() {
        long jdk = jdkTotalMemory();
        return jdk > 0 ? Math.min(jdk, memTotal()) : memTotal();
    }

    /** {@return the JDK's container-aware total memory, or 0 where it does not say} */
    private static long jdkTotalMemory() {
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (LinkageError | RuntimeException e) {
            // no jdk.management in this runtime: MemTotal alone
        }
        return 0;
    }

    private static long memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: no check
        }
        return Long.MAX_VALUE;
    }

    private static String human(long bytes) {
        return bytes < 0 || bytes == Long.MAX_VALUE ? "8 EiB or more" : bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", (bytes + (1L << 20) - 1) >> 20);
    }
}
