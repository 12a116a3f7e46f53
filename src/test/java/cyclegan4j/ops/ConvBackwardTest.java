package cyclegan4j.ops;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conv backward pass (input, weight and bias gradients) against direct loops, on shapes that
 * take every path: the shifted-view GEMMs (stride 1, many channels, see ShiftedConv's rules; with
 * at most 4 output channels their stacked-tap form), the flipped-kernel convolution
 * (stride 1, fewer output than input channels, square kernel, pad &lt;= k-1) and the transposed
 * GEMM + col2im (stride 2, rectangular kernel, pad &gt; k-1).
 */
class ConvBackwardTest {

    /** {n, cIn, h, w, cOut, kh, kw, stride, pad} */
    private static final int[][] CASES = {
            {2, 3, 7, 9, 5, 3, 3, 1, 1},   // flip, the generator's 3x3 pad-1 layout
            {1, 4, 6, 5, 3, 3, 3, 1, 0},   // flip, no padding
            {1, 2, 5, 6, 4, 3, 3, 1, 2},   // flip, pad = k-1 (the flipped conv has no padding)
            {1, 3, 8, 8, 2, 7, 7, 1, 3},   // flip, the generator's 7x7 stem
            {1, 4, 9, 6, 3, 4, 4, 2, 1},   // col2im: stride 2 (the down-sampling convs use 3x3 s2 p1)
            {2, 3, 9, 8, 4, 3, 3, 2, 1},   // col2im: 3x3 stride 2 pad 1
            {1, 2, 5, 5, 2, 1, 1, 1, 1},   // col2im: pad > k-1
            {1, 15, 100, 130, 15, 7, 7, 1, 3}, // im2col and col2im in 3 chunks of output rows (16 MB budget)
            {1, 16, 40, 40, 300, 3, 3, 1, 1}, // shifted forward, padded; im2col weight gradient; col2im
            {2, 32, 12, 14, 16, 3, 3, 1, 0}, // shifted GEMMs for all three, batch 2, no padding
            {2, 17, 6, 8, 16, 2, 4, 1, 2},   // shifted input gradient, rectangular kernel, pad > k-1
            {1, 20, 9, 9, 3, 7, 7, 1, 0},    // stacked-tap weight gradient, flipped input gradient (c7s1-3)
            {2, 16, 60, 300, 3, 7, 7, 1, 3}, // stacked taps in two bands of output rows, batch 2, padded
            {1, 16, 11, 13, 2, 3, 5, 1, 2},  // stacked taps, rectangular kernel
            {1, 32, 10, 10, 16, 3, 3, 1, 1}, // shifted weight gradient, padded
    };

    @Test
    void gradientsMatchDirectLoops() {
        CpuBackend be = CpuBackend.get();
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] c : CASES) {
            int n = c[0], ci = c[1], h = c[2], w = c[3], co = c[4], kh = c[5], kw = c[6], st = c[7], pad = c[8];
            int oh = (h + 2 * pad - kh) / st + 1, ow = (w + 2 * pad - kw) / st + 1;
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.randn(be, rng, 1f, n, ci, h, w).requiresGrad(true);
                Tensor wt = Tensor.parameter(be, Tensor.randn(be, rng, 1f, co, ci, kh, kw).toArray(), co, ci, kh, kw);
                Tensor b = Tensor.parameter(be, Tensor.randn(be, rng, 1f, co).toArray(), co);
                Tensor dy = Tensor.randn(be, rng, 1f, n, co, oh, ow);
                for (int pass = 0; pass < 2; pass++) { // twice: the gradients must accumulate (+=)
                    F.conv2d(x, wt, b, st, pad).backward(dy);
                }

                float[] xs = x.toArray(), ws = wt.toArray(), g = dy.toArray();
                double[] dx = new double[xs.length], dw = new double[ws.length], db = new double[co];
                // sums of |term|: float32 rounding grows with them (a weight gradient of the
                // chunked case adds 13,000 products), so they widen the tolerance
                double[] dxMag = new double[xs.length], dwMag = new double[ws.length], dbMag = new double[co];
                for (int in = 0; in < n; in++)
                    for (int o = 0; o < co; o++)
                        for (int y = 0; y < oh; y++)
                            for (int xx = 0; xx < ow; xx++) {
                                float gv = g[((in * co + o) * oh + y) * ow + xx];
                                db[o] += gv;
                                dbMag[o] += Math.abs(gv);
                                for (int cc = 0; cc < ci; cc++)
                                    for (int ky = 0; ky < kh; ky++)
                                        for (int kx = 0; kx < kw; kx++) {
                                            int iy = y * st - pad + ky, ix = xx * st - pad + kx;
                                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                                int xi = ((in * ci + cc) * h + iy) * w + ix;
                                                int wi = ((o * ci + cc) * kh + ky) * kw + kx;
                                                dx[xi] += gv * ws[wi];
                                                dw[wi] += gv * xs[xi];
                                                dxMag[xi] += Math.abs(gv * ws[wi]);
                                                dwMag[wi] += Math.abs(gv * xs[xi]);
                                            }
                                        }
                            }
                String name = "case " + Arrays.toString(c);
                assertClose(dx, dxMag, x.gradArray(), name + " input gradient");
                assertClose(dw, dwMag, wt.gradArray(), name + " weight gradient");
                assertClose(db, dbMag, b.gradArray(), name + " bias gradient");
                wt.close();
                b.close();
            }
        }
    }

    private static void assertClose(double[] want, double[] magnitude, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            double twice = 2 * want[i]; // two backward passes
            assertEquals(twice, got[i], 2e-4 * (1 + Math.abs(want[i])) + 4e-7 * magnitude[i], what + " index " + i);
        }
    }
}
