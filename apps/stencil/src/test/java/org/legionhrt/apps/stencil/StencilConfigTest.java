package org.legionhrt.apps.stencil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StencilConfigTest {

    /** A direct sequential evaluation agrees with the closed form the app validates against. */
    @Test
    void closedFormMatchesADirectEvaluation() {
        StencilConfig c = new StencilConfig(24, 20, 2, 2, 2, 4, 1, 0.0);
        int nx = 24, ny = 20, r = 2;
        double[][] in = new double[nx][ny];
        double[][] out = new double[nx][ny];
        for (int x = 0; x < nx; x++) {
            for (int y = 0; y < ny; y++) {
                in[x][y] = StencilConfig.CX * x + StencilConfig.CY * y;
            }
        }
        for (int s = 0; s < c.totalSteps(); s++) {
            for (int x = r; x < nx - r; x++) {
                for (int y = r; y < ny - r; y++) {
                    double v = 0;
                    for (int j = 1; j <= r; j++) {
                        double w = 1.0 / (2.0 * j * r);
                        v += w * (in[x + j][y] - in[x - j][y]) + w * (in[x][y + j] - in[x][y - j]);
                    }
                    out[x][y] += v;
                }
            }
            for (double[] col : in) {
                for (int y = 0; y < ny; y++) {
                    col[y] += 1.0;
                }
            }
        }
        double sum = 0;
        for (int x = r; x < nx - r; x++) {
            for (int y = r; y < ny - r; y++) {
                sum += Math.abs(out[x][y]);
            }
        }
        double mean = sum / ((nx - 2 * r) * (ny - 2 * r));
        assertThat(Math.abs(mean - c.expectedMean()) / c.expectedMean()).isLessThan(1e-8);
    }

    @Test
    void badFlagsNameTheProblem() {
        assertThatThrownBy(() -> new StencilConfig(8, 8, 16, 1, 1, 1, 0, 0)).hasMessageContaining("more tiles");
        assertThatThrownBy(() -> new StencilConfig(64, 64, 16, 16, 5, 1, 0, 0)).hasMessageContaining("wider than a tile");
        assertThatThrownBy(() -> new StencilConfig(0, 8, 1, 1, 1, 1, 0, 0)).hasMessageContaining("-nx");
        assertThatThrownBy(() -> new StencilConfig(64, 64, 2, 2, 2, 10, 5, 0)).hasMessageContaining("-tprune");
        assertThatThrownBy(() -> new StencilConfig(64, 64, 2, 2, 2, 10, 1, Double.NaN))
                .hasMessage("-init must be a finite number, got NaN");
        assertThatThrownBy(() -> new StencilConfig(64, 64, 2, 2, 2, 10, 1, Double.NEGATIVE_INFINITY))
                .hasMessage("-init must be a finite number, got -Infinity");
    }

    @Test
    void gridsWhoseSizeOverflowsNameTheFlags() {
        assertThatThrownBy(() -> new StencilConfig(4_000_000_000L, 4_000_000_000L, 2, 2, 2, 20, 5, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-nx 4000000000 x -ny 4000000000 is more than the 576460752303423487 grid points whose "
                        + "instances (16 bytes a point) a 64-bit size can count: lower -nx or -ny");
        assertThatThrownBy(() -> new StencilConfig(Long.MAX_VALUE, 2, 1, 1, 1, 20, 5, 1000)).hasMessageContaining("-nx");
        assertThat(new StencilConfig(100_000, 100_000, 2, 2, 2, 20, 5, 1000).instanceBytes())
                .isEqualTo(100_000L * 100_000 * 16);
    }

    /** A negative init: |out| is compared with |closed form|, and an error is never negative. */
    @Test
    void validationErrorHoldsForEveryInit() {
        StencilConfig neg = new StencilConfig(64, 64, 2, 2, 2, 4, 1, -1000);
        assertThat(neg.expectedMean()).isEqualTo(992);
        assertThat(neg.error(992)).isZero();
        assertThat(neg.error(-992)).isEqualTo(2.0);       // a wrong sign fails, where it used to pass
        StencilConfig zero = new StencilConfig(64, 64, 2, 2, 2, 4, 1, -8);
        assertThat(zero.expectedMean()).isZero();
        assertThat(zero.error(0)).isZero();
        assertThat(zero.error(1e-3)).isEqualTo(1e-3);
        assertThat(zero.error(Double.NaN)).isNaN();
    }

    /**
     * The runtime partitions over at most 2^26 colors (check_colors in legion-hrt-port/src/partition.c);
     * more tiles were accepted and failed in the run with LHRT_ERR_LIMIT, naming no flag.
     */
    @Test
    void moreTilesThanTheRuntimeCanColorAreRefusedNamingTheFlags() {
        assertThatThrownBy(() -> new StencilConfig(8200, 8200, 8200, 8200, 1, 3, 1, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-ntx 8200 x -nty 8200 = 67240000 tiles, more than the 67108864 (2^26) a partition of the "
                        + "runtime may have: lower -ntx or -nty");
        assertThat(new StencilConfig(8192, 8192, 8192, 8192, 1, 3, 1, 1000).ntx()).isEqualTo(8192);   // exactly 2^26
    }
}
