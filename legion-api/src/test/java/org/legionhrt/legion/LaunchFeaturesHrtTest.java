package org.legionhrt.legion;

/** {@link LaunchFeaturesTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class LaunchFeaturesHrtTest extends LaunchFeaturesTest {
    @Override
    String backend() {
        return "hrt";
    }
}
