/*
 * One daemon thread for the whole process that drains the log rings of every live HVM
 * each millisecond, so booting an HVM does not start a thread of its own for its console.
 */
package org.legionhrt.hvm.devices;

import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The process-wide log-ring poller; thread safe. */
public final class LogPoller {
    private static final Logger LOG = LoggerFactory.getLogger(LogPoller.class);
    private static final CopyOnWriteArraySet<LogRingReader> READERS = new CopyOnWriteArraySet<>();
    private static Thread thread;

    private LogPoller() {
    }

    /** Starts polling {@code r} (the poller thread is started on first use). */
    public static synchronized void add(LogRingReader r) {
        READERS.add(r);
        if (thread == null) {
            thread = Thread.ofPlatform().name("hvm-log").daemon(true).start(LogPoller::poll);
        } else {
            LockSupport.unpark(thread);
        }
    }

    /** Stops polling {@code r} and drains it one last time; after this it never reads guest memory. */
    public static void remove(LogRingReader r) {
        READERS.remove(r);
        r.close();
    }

    private static void poll() {
        for (;;) {
            for (LogRingReader r : READERS) {
                try {
                    r.drain();
                } catch (IllegalStateException e) {
                    READERS.remove(r);   // its guest memory is gone (arena closed): drop it
                } catch (RuntimeException e) {
                    // One guest's ring must not end the thread every HVM's console goes through.
                    READERS.remove(r);
                    LOG.warn("stopped reading a guest's log ring: {}", e.toString());
                }
            }
            // 10 ms: console lines may arrive that much later; polling every 1 ms cost ~2% of a host
            // core that the vCPUs need (the ring holds 128 KiB, far more than 10 ms of output).
            LockSupport.parkNanos(READERS.isEmpty() ? 100_000_000L : 10_000_000L);
        }
    }
}
