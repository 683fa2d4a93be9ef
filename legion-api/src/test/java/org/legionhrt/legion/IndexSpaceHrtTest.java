package org.legionhrt.legion;

/** {@link IndexSpaceTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class IndexSpaceHrtTest extends IndexSpaceTest {
    @Override
    String backend() {
        return "hrt";
    }
}
