package org.legionhrt.legion.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How backend hrt lays the runtime out over the HRT's vCPUs and what it tells the kernel: the
 * call server's CPU (its own or shared with a worker) and the idle spin on a host with fewer CPUs
 * than the vCPUs plus the calling JVM thread. No KVM needed.
 */
class HrtBackendLayoutTest {
    @Test
    void theCallServerSharesCpu0WithOneCoreOrNoMoreCoresThanWorkers() {
        assertThat(HrtBackend.sharesCpu0(1, 0)).isTrue();
        assertThat(HrtBackend.sharesCpu0(1, 4)).isTrue();
        assertThat(HrtBackend.sharesCpu0(2, 2)).isTrue();
        assertThat(HrtBackend.sharesCpu0(4, 8)).isTrue();
        assertThat(HrtBackend.sharesCpu0(2, 1)).isFalse();
        assertThat(HrtBackend.sharesCpu0(3, 0)).as("0 workers = one per worker core").isFalse();
    }

    @Test
    void idleCpusSpinBrieflyWhenTheVcpusAndTheCallerOutnumberTheHostCpus() {
        assertThat(HrtBackend.cmdline(3, 2, 2)).isEqualTo("tests=lhrt_serve idle_spin_us=" + HrtBackend.OVERSUBSCRIBED_IDLE_SPIN_US);
        assertThat(HrtBackend.cmdline(3, 2, 4)).as("a CPU for each vCPU and the caller").isEqualTo("tests=lhrt_serve");
        assertThat(HrtBackend.cmdline(2, 2, 2)).isEqualTo("tests=lhrt_serve lhrt_share_cpu0=1 idle_spin_us="
                + HrtBackend.OVERSUBSCRIBED_IDLE_SPIN_US);
        assertThat(HrtBackend.cmdline(1, 1, 2)).isEqualTo("tests=lhrt_serve lhrt_share_cpu0=1");
        assertThat(HrtBackend.cmdline(17, 16, 16)).as("two threads more than 16 CPUs").isEqualTo("tests=lhrt_serve");
        assertThat(HrtBackend.oversubscribed(5, 4)).isTrue();
        assertThat(HrtBackend.oversubscribed(9, 8)).isFalse();
    }

    @Test
    void sharingCpu0ACallMayWaitForTheTaskCpu0Runs() {
        assertThat(HrtBackend.callTimeout(false, Duration.ofMinutes(5))).isEqualTo(HrtBackend.CALL_TIMEOUT);
        assertThat(HrtBackend.callTimeout(true, Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5).plus(HrtBackend.CALL_TIMEOUT));
        assertThat(HrtBackend.callTimeout(true, Duration.ZERO)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void theUsersKernelArgumentsComeFirstSoTheyWin() {
        String old = System.getProperty("legionhrt.hrt.cmdline");
        System.setProperty("legionhrt.hrt.cmdline", " idle_spin_us=500 idle_stats=1 ");
        try {
            assertThat(HrtBackend.cmdline(3, 2, 2)).isEqualTo("tests=lhrt_serve idle_spin_us=500 idle_stats=1 idle_spin_us="
                    + HrtBackend.OVERSUBSCRIBED_IDLE_SPIN_US);
        } finally {
            if (old == null) {
                System.clearProperty("legionhrt.hrt.cmdline");
            } else {
                System.setProperty("legionhrt.hrt.cmdline", old);
            }
        }
    }

    @Test
    void postedLaunchesNeedOneCallServer() {
        assertThat(HrtBackend.oneCallServer("tests=lhrt_serve")).isTrue();
        assertThat(HrtBackend.oneCallServer("tests=lhrt_serve hvm_servers=1")).isTrue();
        assertThat(HrtBackend.oneCallServer("hvm_servers=2 tests=lhrt_serve")).isFalse();
        assertThat(HrtBackend.oneCallServer("tests=lhrt_serve hvm_servers=3 hvm_servers=1")).isFalse();   // the first counts
        assertThat(HrtBackend.oneCallServer("tests=lhrt_serve xhvm_servers=2")).isTrue();
        assertThat(HrtBackend.oneCallServer("hvm_servers=x")).isTrue();
    }
}
