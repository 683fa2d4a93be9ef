package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** {@link Membership} agrees with a brute-force test of every rectangle, whatever the query order. */
class MembershipPropertyTest {

    /** Sorted, disjoint, non-touching intervals within 0..199, as the runtime gives a 1-D space. */
    private static List<Rect> intervals(Random r) {
        List<Rect> rs = new ArrayList<>();
        long x = r.nextInt(5);
        while (x < 200 && rs.size() < 20) {
            long len = 1 + r.nextInt(12);
            rs.add(Rect1.of(x, Math.min(199, x + len - 1)));
            x += len + 1 + r.nextInt(10);
        }
        return rs;
    }

    private static boolean brute(List<Rect> rs, long x, long y) {
        for (Rect q : rs) {
            if (x >= q.lo(0) && x <= q.hi(0) && (q.dim() == 1 || y >= q.lo(1) && y <= q.hi(1))) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 300)
    void oneDimensionalQueriesMatchBruteForce(@ForAll long seed) {
        Random r = new Random(seed);
        List<Rect> rs = intervals(r);
        Membership m = Membership.of(1, rs);
        for (int k = 0; k < 200; k++) {
            long x = r.nextInt(210) - 5;
            assertThat(m.contains(x)).as("point %d of %s", x, rs).isEqualTo(brute(rs, x, 0));
            long x1 = x + r.nextInt(15);
            long missing = x;
            while (missing <= x1 && brute(rs, missing, 0)) {
                missing++;
            }
            assertThat(m.firstMissing(x, x1)).as("first missing of %d..%d in %s", x, x1, rs).isEqualTo(missing);
            assertThat(m.containsRange(x, x1)).isEqualTo(missing > x1);
        }
    }

    @Property(tries = 200)
    void twoDimensionalQueriesMatchBruteForce(@ForAll long seed) {
        Random r = new Random(seed);
        List<Rect> rs = new ArrayList<>();
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            long x = r.nextInt(20);
            long y = r.nextInt(20);
            rs.add(Rect2.of(x, y, x + r.nextInt(5), y + r.nextInt(5)));
        }
        Membership m = Membership.of(2, rs);
        for (int k = 0; k < 300; k++) {
            long x = r.nextInt(27) - 1;
            long y = r.nextInt(27) - 1;
            assertThat(m.contains(x, y, 0)).as("point (%d, %d) of %s", x, y, rs).isEqualTo(brute(rs, x, y));
        }
    }
}
