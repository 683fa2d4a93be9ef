package org.legionhrt.legion;

/** {@link CallbackTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class CallbackHrtTest extends CallbackTest {
    @Override
    String backend() {
        return "hrt";
    }
}
