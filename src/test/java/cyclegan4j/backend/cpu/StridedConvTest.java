package cyclegan4j.backend.cpu;

import cyclegan4j.backend.ConvShape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CpuConv's strided convolutions (im2col through de-interleaved phase rows, col2im) against direct
 * loops: output, input gradient (written), weight and bias gradients (accumulated). Odd and even
 * widths and heights, pad 0, 1 and past the kernel, kernels 3, 4 and rectangular, batch 2, stride 3,
 * more output rows than one im2col task takes, and a case split into two column chunks.
 */
class StridedConvTest {

    /** {n, cIn, h, w, cOut, kh, kw, stride, pad} */
    private static final int[][] CASES = {
            {2, 3, 21, 19, 4, 3, 3, 2, 1},  // 3x3 s2 p1 (d128, d256), odd width and height, 11 output rows
            {2, 2, 20, 17, 3, 4, 4, 2, 1},  // 4x4 s2 p1 (the discriminator), odd width
            {1, 3, 19, 23, 2, 3, 3, 2, 0},  // no padding
            {2, 2, 18, 15, 3, 4, 4, 2, 0},  // 4x4, no padding, odd width
            {1, 2, 9, 8, 3, 4, 4, 2, 1},    // even width
            {1, 2, 13, 11, 3, 3, 4, 2, 1},  // rectangular kernel
            {1, 2, 9, 7, 2, 2, 2, 2, 2},    // pad = kernel: whole rows and columns of padding
            {1, 2, 17, 16, 2, 3, 3, 3, 2},  // stride 3
            {1, 3, 5, 4, 2, 5, 3, 3, 1},    // stride 3, one output row and column
            {1, 64, 149, 255, 2, 3, 3, 2, 1}, // 75 output rows in two column chunks (16 MB budget)
    };

    @Test
    void matchesDirectLoops() {
        CpuConv conv = new CpuConv(Gemm.best());
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] c : CASES) {
            ConvShape s = new ConvShape(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
            String name = Arrays.toString(c);
            int outLen = s.n() * s.cOut() * s.outH() * s.outW();
            float[] x = random(rng, s.n() * s.cIn() * s.h() * s.w()), wt = random(rng, s.cOut() * s.patch());
            float[] b = random(rng, s.cOut()), dy = random(rng, outLen);
            float[] dW0 = random(rng, wt.length), dB0 = random(rng, s.cOut());

            float[] y = random(rng, outLen); // forward overwrites
            float[] dx = random(rng, x.length); // the input gradient overwrites
            float[] dW = dW0.clone(), dB = dB0.clone(); // the weight and bias gradients accumulate
            conv.forward(y, x, wt, b, s);
            conv.backward(dx, dW, dB, dy, x, wt, s);

            double[] yRef = new double[outLen], yMag = new double[outLen];
            double[] dxRef = new double[x.length], dxMag = new double[x.length];
            double[] dWRef = new double[wt.length], dWMag = new double[wt.length];
            double[] dBRef = new double[s.cOut()];
            int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw();
            for (int n = 0; n < s.n(); n++) {
                for (int co = 0; co < s.cOut(); co++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int o = ((n * s.cOut() + co) * oh + oy) * ow + ox;
                            yRef[o] = b[co];
                            yMag[o] = Math.abs(b[co]);
                            dBRef[co] += dy[o];
                            for (int ci = 0; ci < s.cIn(); ci++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * s.stride() - s.pad() + ky, ix = ox * s.stride() - s.pad() + kx;
                                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                            continue;
                                        }
                                        int xi = ((n * s.cIn() + ci) * h + iy) * w + ix;
                                        int wi = ((co * s.cIn() + ci) * kh + ky) * kw + kx;
                                        yRef[o] += (double) x[xi] * wt[wi];
                                        yMag[o] += Math.abs((double) x[xi] * wt[wi]);
                                        dxRef[xi] += (double) dy[o] * wt[wi];
                                        dxMag[xi] += Math.abs((double) dy[o] * wt[wi]);
                                        dWRef[wi] += (double) dy[o] * x[xi];
                                        dWMag[wi] += Math.abs((double) dy[o] * x[xi]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < outLen; i++) {
                assertEquals(yRef[i], y[i], 1e-5 * (1 + yMag[i]), name + " output " + i);
            }
            for (int i = 0; i < x.length; i++) {
                assertEquals(dxRef[i], dx[i], 1e-5 * (1 + dxMag[i]), name + " input gradient " + i);
            }
            for (int i = 0; i < wt.length; i++) {
                assertEquals(dW0[i] + dWRef[i], dW[i], 1e-5 * (1 + Math.abs(dW0[i]) + dWMag[i]), name + " weight gradient " + i);
            }
            for (int i = 0; i < s.cOut(); i++) {
                assertEquals(dB0[i] + dBRef[i], dB[i], 1e-5 * (1 + Math.abs(dB0[i]) + oh * ow * s.n() * 4.0), name + " bias gradient " + i);
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }
}
