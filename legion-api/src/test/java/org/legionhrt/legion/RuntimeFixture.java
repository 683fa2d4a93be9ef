package org.legionhrt.legion;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Test fixture: one runtime per test class on {@link #backend()} with {@link #workers()}
 * workers; each suite's {@code …HrtTest} subclass runs the same tests on backend hrt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RuntimeFixture {
    Runtime rt;

    /** {@return the backend these tests run on (the Hrt subclass: hrt)} */
    String backend() {
        return "linux";
    }

    /** {@return the runtime's worker count} */
    int workers() {
        return 2;
    }

    @BeforeAll
    void start() {
        rt = Runtime.start(Backends.config(backend(), workers()));
    }

    @AfterAll
    void stop() {
        if (rt != null) {
            rt.close();
        }
    }
}
