package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Index spaces: dense, sparse, set operations, iteration; field spaces and their checks. */
class IndexSpaceTest extends RuntimeFixture {
    @Override
    int workers() {
        return 1;
    }

    @Test
    void denseSpaces() {
        IndexSpace is = rt.indexSpace(Rect2.of(0, 0, 3, 4));
        assertThat(is.dim()).isEqualTo(2);
        assertThat(is.volume()).isEqualTo(20);
        assertThat(is.bounds()).isEqualTo(Rect2.of(0, 0, 3, 4));
        assertThat(is.isDense()).isTrue();
        assertThat(is.contains(new Point2(3, 4))).isTrue();
        assertThat(is.contains(new Point2(4, 4))).isFalse();
        assertThat(is.point(5)).isEqualTo(new Point2(1, 1));
        assertThat(is.points()).hasSize(20).first().isEqualTo(new Point2(0, 0));
        assertThat(rt.indexSpace(Rect3.of(0, 0, 0, 1, 1, 1)).volume()).isEqualTo(8);
    }

    @Test
    void sparseSpacesAndSetOperations() {
        IndexSpace a = rt.indexSpace(List.of(Rect1.of(0, 3), Rect1.of(10, 12), Rect1.of(2, 5)));
        assertThat(a.volume()).isEqualTo(9);
        assertThat(a.rects()).containsExactly(Rect1.of(0, 5), Rect1.of(10, 12));
        assertThat(a.isDense()).isFalse();
        IndexSpace b = rt.indexSpaceOfPoints(List.of(new Point1(5), new Point1(11), new Point1(20)));
        assertThat(b.volume()).isEqualTo(3);
        assertThat(a.union(b).volume()).isEqualTo(10);
        assertThat(a.intersection(b).points()).containsExactly(new Point1(5), new Point1(11));
        assertThat(a.difference(b).volume()).isEqualTo(7);
        int n = 0;
        for (Point p : b) {
            assertThat(b.contains(p)).isTrue();
            n++;
        }
        assertThat(n).isEqualTo(3);
        a.close();
        assertThatThrownBy(a::volume).isInstanceOf(LegionException.class).hasMessageContaining("closed");
    }

    @Test
    void runtimeErrorsCarryTheCMessage() {
        IndexSpace one = rt.indexSpace(Rect1.of(0, 3));
        IndexSpace two = rt.indexSpace(Rect2.of(0, 0, 1, 1));
        assertThatThrownBy(() -> one.union(two)).isInstanceOf(LegionException.class)
                .hasMessageContaining("LHRT_ERR").satisfies(e -> assertThat(((LegionException) e).status()).isPositive());
        assertThatThrownBy(() -> one.point(4)).isInstanceOf(LegionException.class).hasMessageContaining("LHRT_ERR_BOUNDS");
    }

    @Test
    void fieldSpaces() {
        FieldSpace fs = rt.fieldSpace();
        Field a = fs.allocate(FieldType.DOUBLE);
        Field b = fs.allocate(FieldType.struct(12), 40);
        Field c = fs.allocate(FieldType.POINT3);
        assertThat(b.id()).isEqualTo(40);
        assertThat(fs.fields()).contains(a, b, c);
        assertThat(fs.field(40).type().size()).isEqualTo(12);
        assertThatThrownBy(() -> fs.allocate(FieldType.INT, 40)).isInstanceOf(LegionException.class);
        fs.free(b);
        assertThatThrownBy(() -> fs.field(40)).isInstanceOf(LegionException.class);
        assertThatThrownBy(() -> FieldType.struct(0)).isInstanceOf(IllegalArgumentException.class);
        LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
        assertThat(r.isRoot()).isTrue();
        assertThat(r.fieldSpace()).isSameAs(fs);
        FieldSpace other = rt.fieldSpace();
        Field o = other.allocate(FieldType.DOUBLE);
        assertThatThrownBy(() -> RegionRequirement.readOnly(r, o)).isInstanceOf(LegionException.class);
        assertThatThrownBy(() -> rt.context().fill(r, a, 3)).isInstanceOf(LegionException.class).hasMessageContaining("not int");
        // A freed field stays dead, even once its id names a new field (whose data it would reach).
        byte[] twelve = new byte[12];
        assertThatThrownBy(() -> rt.context().fill(r, b, twelve)).isInstanceOf(LegionException.class)
                .hasMessageEndingWith(" was freed: it is no longer a field of this field space");
        Field again = fs.allocate(FieldType.struct(12), 40);
        assertThatThrownBy(() -> rt.context().fill(r, b, twelve)).isInstanceOf(LegionException.class)
                .hasMessageContaining("was freed (its id 40 now names another field)");
        rt.context().fill(r, again, twelve);
    }
}
