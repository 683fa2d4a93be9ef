package org.legionhrt.legion;

/** {@link RegionTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class RegionHrtTest extends RegionTest {
    @Override
    String backend() {
        return "hrt";
    }
}
