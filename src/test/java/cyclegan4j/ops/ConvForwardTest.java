package cyclegan4j.ops;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The convolution against a direct seven-deep loop: im2col + GEMM (few input channels or stride 2),
 * the shifted-view GEMMs (stride 1, 16 or more input channels) and, for at most 4 output channels,
 * their stacked-tap form (one band and several); padded and not, batch 2.
 */
class ConvForwardTest {

    private static float[] naive(float[] x, float[] w, float[] b, int n, int ci, int h, int wd, int co, int k, int st, int pad) {
        int oh = (h + 2 * pad - k) / st + 1, ow = (wd + 2 * pad - k) / st + 1;
        float[] out = new float[n * co * oh * ow];
        for (int in = 0; in < n; in++)
            for (int o = 0; o < co; o++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b[o];
                        for (int c = 0; c < ci; c++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = y * st - pad + ky, ix = xx * st - pad + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += x[((in * ci + c) * h + iy) * wd + ix] * w[((o * ci + c) * k + ky) * k + kx];
                                    }
                                }
                        out[((in * co + o) * oh + y) * ow + xx] = (float) s;
                    }
        return out;
    }

    @Test
    void matchesDirectLoopOnOddShapes() {
        CpuBackend be = CpuBackend.get();
        int[][] cases = {{2, 3, 7, 9, 5, 3, 1, 1}, {1, 4, 9, 6, 3, 4, 2, 1}, {1, 2, 5, 5, 2, 7, 1, 3}, {3, 1, 8, 7, 2, 1, 1, 0},
                {2, 16, 7, 9, 4, 3, 1, 0}, {1, 20, 6, 5, 3, 3, 1, 2}, {2, 16, 5, 8, 4, 4, 1, 1}, {1, 16, 6, 7, 8, 3, 1, 1},
                {2, 24, 9, 6, 5, 3, 1, 0}, {2, 16, 90, 290, 3, 7, 1, 3}}; // the last one in three bands of stacked taps
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] c : cases) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.randn(be, rng, 1f, c[0], c[1], c[2], c[3]);
                Tensor w = Tensor.randn(be, rng, 1f, c[4], c[1], c[5], c[5]);
                Tensor b = Tensor.randn(be, rng, 1f, c[4]);
                float[] got = F.conv2d(x, w, b, c[6], c[7]).toArray();
                float[] want = naive(x.toArray(), w.toArray(), b.toArray(), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
                assertEquals(want.length, got.length);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4f * (1 + Math.abs(want[i])), "case " + java.util.Arrays.toString(c) + " index " + i);
                }
            }
        }
    }
}
