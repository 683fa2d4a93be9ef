package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RectTest {

    @Test
    void volumeAndEmptiness() {
        assertThat(Rect1.of(0, 9).volume()).isEqualTo(10);
        assertThat(Rect2.of(0, 0, 3, 4).volume()).isEqualTo(20);
        assertThat(new Rect3(new Point3(1, 1, 1), new Point3(2, 2, 2)).volume()).isEqualTo(8);
        assertThat(Rect1.of(5, 4).isEmpty()).isTrue();
        assertThat(Rect2.of(0, 3, 9, 2).volume()).isZero();
    }

    @Test
    void overlapAndCover() {
        Rect2 a = Rect2.of(0, 0, 9, 9);
        assertThat(a.overlaps(Rect2.of(9, 9, 12, 12))).isTrue();
        assertThat(a.overlaps(Rect2.of(10, 0, 12, 9))).isFalse();
        assertThat(a.covers(Rect2.of(2, 2, 9, 9))).isTrue();
        assertThat(a.covers(Rect2.of(2, 2, 10, 9))).isFalse();
        assertThatThrownBy(() -> a.overlaps(Rect1.of(0, 1))).hasMessageContaining("1-D");
    }

    /** Overlap computed by corners agrees with counting shared points. */
    @Property(tries = 300)
    void overlapMatchesPointwise(@ForAll @IntRange(min = -4, max = 4) int x0, @ForAll @IntRange(min = -4, max = 4) int x1,
                                 @ForAll @IntRange(min = -4, max = 4) int y0, @ForAll @IntRange(min = -4, max = 4) int y1) {
        Rect2 a = Rect2.of(x0, y0, x0 + 2, y0 + 1);
        Rect2 b = Rect2.of(x1, y1, x1 + 1, y1 + 3);
        boolean shared = false;
        for (long x = -4; x <= 8 && !shared; x++) {
            for (long y = -4; y <= 8; y++) {
                Point2 p = new Point2(x, y);
                if (a.contains(p) && b.contains(p)) {
                    shared = true;
                    break;
                }
            }
        }
        assertThat(a.overlaps(b)).isEqualTo(shared);
    }
}
