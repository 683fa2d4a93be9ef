package org.legionhrt.legion;

/** {@link CopyTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class CopyHrtTest extends CopyTest {
    @Override
    String backend() {
        return "hrt";
    }
}
