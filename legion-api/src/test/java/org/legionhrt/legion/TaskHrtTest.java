package org.legionhrt.legion;

/** {@link TaskTest} on backend hrt (skipped with the reason where /dev/kvm is unusable). */
class TaskHrtTest extends TaskTest {
    @Override
    String backend() {
        return "hrt";
    }
}
