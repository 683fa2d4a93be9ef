package org.legionhrt.legion;

import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.legionhrt.legion.internal.HrtBackend;

/** Test fixture: the backends a parameterised test runs on, and the skip for hrt where it cannot run. */
final class Backends {
    private Backends() {}

    /** {@return "linux" and "hrt"} */
    static Stream<String> all() {
        return Stream.of("linux", "hrt");
    }

    /** Skips the test with the reason when {@code backend} is hrt and KVM or the image is missing. */
    static void assume(String backend) {
        if (backend.equals("hrt")) {
            String why = HrtBackend.unavailableReason();
            Assumptions.assumeTrue(why == null, () -> "backend hrt unavailable: " + why);
        }
    }

    /** {@return a config on {@code backend} with {@code workers}, skipping when hrt cannot run} */
    static RuntimeConfig config(String backend, int workers) {
        assume(backend);
        return RuntimeConfig.defaults().withBackend(backend).withWorkers(workers);
    }

    /** Skips a test on backend hrt, for {@code why}. */
    static void assumeNotHrt(Runtime rt, String why) {
        Assumptions.assumeTrue(!rt.backendName().equals("hrt"), () -> "not on backend hrt: " + why);
    }
}
