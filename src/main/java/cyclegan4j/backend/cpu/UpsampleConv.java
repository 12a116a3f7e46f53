package cyclegan4j.backend.cpu;

import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.cpu.Scratch.Slot;

import java.util.Arrays;

/**
 * Nearest 2x upsampling followed by a 3x3, stride-1, zero-pad-1 convolution (the generator's u128
 * and u64), computed from the small input without the upsampled image. Per input pixel and channel
 * pair it does 16 multiply-adds (four output pixels, 2x2 taps each) instead of 36 (3x3 taps each).
 *
 * <p>Output pixel (2y+py, 2x+px) reads upsampled rows 2y+py-1 .. 2y+py+1, which are input rows
 * y-1, y, y when py = 0 and y, y, y+1 when py = 1 (the same for columns). So each of the four
 * output phases (py, px) is a 2x2 convolution of the input zero-padded by one, whose taps are sums
 * of the 3x3 taps: kernel rows {0} and {1, 2} for py = 0, {0, 1} and {2} for py = 1:
 * <pre>
 *   out[co][2y+py][2x+px] = sum over ci, a, b of Wp[co][ci][a][b] * xp[ci][y+py+a][x+px+b]
 * </pre>
 * Each phase runs as {@link ShiftedConv} does: four GEMMs over shifted views of xp, whose rows
 * have width wp = w + 2, into a layout where output (y, x) of phase (py, px) is at y*wp + x + px.
 */
final class UpsampleConv {

    /** First and last 3x3 kernel row (or column) that tap a of phase p sums: [p][a]. */
    private static final int[][] FIRST = {{0, 1}, {0, 2}}, LAST = {{0, 2}, {1, 2}};

    /**
     * SUMS[4p + t][3ky + kx] = 1 when phase p's tap t sums the 3x3 tap (ky, kx), else 0: the phase
     * kernels are SUMS times each 3x3 kernel, one GEMM for all of them (a loop over the tables
     * above took 4.5 ms for 256 -> 128 channels, the GEMM 0.5).
     */
    private static final float[] SUMS = new float[16 * 9];

    static {
        for (int p = 0; p < 4; p++) {
            for (int t = 0; t < 4; t++) {
                for (int ky = FIRST[p / 2][t / 2]; ky <= LAST[p / 2][t / 2]; ky++) {
                    for (int kx = FIRST[p % 2][t % 2]; kx <= LAST[p % 2][t % 2]; kx++) {
                        SUMS[(p * 4 + t) * 9 + ky * 3 + kx] = 1f;
                    }
                }
            }
        }
    }

    private final Gemm gemm;
    private final ConvShape s;
    private final int cIn, cOut, h, w, wp, plane, span;

    /** @param s the convolution on the upsampled input: 3x3, stride 1, pad 1, even height and width */
    UpsampleConv(Gemm gemm, ConvShape s) {
        s.requireUpsampledConv();
        this.gemm = gemm;
        this.s = s;
        cIn = s.cIn();
        cOut = s.cOut();
        h = s.h() / 2;
        w = s.w() / 2;
        wp = w + 2;
        plane = (h + 2) * wp;
        span = h * wp - 1; // every j = y*wp + x' with x' <= w, inside the plane for every tap's offset
    }

    /**
     * Whether this beats upsampling and then convolving. Like {@link ShiftedConv} it re-packs the
     * weights for every GEMM, so the image must be large next to the output channels. Measured on
     * the 2-vCPU VM (medians of 11 interleaved calls, forward / backward, against the composite):
     * 1.9x / 2.1x for 256 -> 128 channels on a 64x64 input, 1.4x / 1.3x at 32x32, 1.0x at 24x24,
     * 0.56x / 0.58x at 16x16; for 128 -> 64 2.8x at 128x128, 2.1x at 64x64, 1.4x / 1.5x at 32x32,
     * 1.1x at 24x24, 0.9x at 20x20, 0.7x at 16x16. Break-even is near span = 8 cOut.
     */
    static boolean pays(ConvShape s) {
        long span = (long) (s.h() / 2) * (s.w() / 2 + 2) - 1;
        return span >= 8L * s.cOut();
    }

    /** out = conv(upsample(in), W) + bias (bias may be null), written, for every image. */
    void forward(float[] out, float[] in, float[] weight, float[] bias) {
        float[] wp4 = phaseWeights(weight);
        float[] xp = padded(in);
        float[] acc = Scratch.floats(Slot.OUTPUT, cOut * h * wp);
        int ow = 2 * w, ohw = 4 * h * w;
        for (int n = 0; n < s.n(); n++) {
            for (int p = 0; p < 4; p++) {
                int py = p / 2, px = p % 2;
                for (int t = 0; t < 4; t++) {
                    gemm.sgemm(false, false, cOut, span, cIn, 1f, wp4, (p * 4 + t) * cOut * cIn, cIn,
                            xp, n * cIn * plane + shift(py, t), plane, t == 0 ? 0f : 1f, acc, 0, h * wp);
                }
                int outBase = n * cOut * ohw;
                Parallel.forEach(cOut, (long) h * w, co -> { // phase p's pixels, plus the bias
                    float b = bias == null ? 0f : bias[co];
                    for (int y = 0; y < h; y++) {
                        int src = co * h * wp + y * wp + px, dst = outBase + co * ohw + (2 * y + py) * ow + px;
                        for (int x = 0; x < w; x++) {
                            out[dst + 2 * x] = acc[src + x] + b;
                        }
                    }
                });
            }
        }
    }

    /**
     * dIn = the input gradient (written) and/or dW += the weight gradient; either may be null. The
     * bias gradient stays with the caller.
     */
    void backward(float[] dIn, float[] dW, float[] dOut, float[] in, float[] weight) {
        float[] wp4 = dIn != null ? phaseWeights(weight) : null;
        float[] xp = dW != null ? padded(in) : null;
        float[] dWp = dW != null ? Scratch.floats(Slot.WEIGHT_GRAD, 16 * cOut * cIn) : null;
        float[] dxp = dIn != null ? Scratch.floats(Slot.INPUT_GRAD, s.n() * cIn * plane) : null;
        float[] g = Scratch.floats(Slot.OUTPUT_GRAD, cOut * h * wp);
        if (dIn != null) {
            Arrays.fill(dxp, 0, s.n() * cIn * plane, 0f);
        }
        for (int n = 0; n < s.n(); n++) {
            for (int p = 0; p < 4; p++) {
                int py = p / 2, px = p % 2;
                gatherPhase(g, dOut, n, py, px);
                for (int t = 0; t < 4; t++) {
                    int off = n * cIn * plane + shift(py, t), blk = (p * 4 + t) * cOut * cIn;
                    if (dW != null) {
                        gemm.sgemm(false, true, cOut, cIn, span, 1f, g, 0, h * wp, xp, off, plane,
                                n == 0 ? 0f : 1f, dWp, blk, cIn);
                    }
                    if (dIn != null) {
                        gemm.sgemm(true, false, cIn, span, cOut, 1f, wp4, blk, cIn, g, 0, h * wp, 1f, dxp, off, plane);
                    }
                }
            }
        }
        if (dIn != null) { // the interior: the padding's gradient is dropped
            CpuSpatial.zeroPadBackward(dIn, dxp, s.n() * cIn, h, w, 1, 1, 1, 1);
        }
        if (dW != null) {
            foldPhaseGradients(dW, dWp);
        }
    }

    /** Every image of in zero-padded by one on every side, [n][cIn][h+2][w+2], in the INPUT scratch. */
    private float[] padded(float[] in) {
        float[] xp = Scratch.floats(Slot.INPUT, s.n() * cIn * plane);
        CpuSpatial.zeroPadForward(xp, in, s.n() * cIn, h, w, 1, 1, 1, 1);
        return xp;
    }

    /** Flat offset into xp of the view of row phase py's tap t = 2a + b: (py + a)*wp + b. */
    private int shift(int py, int t) {
        return (py + t / 2) * wp + t % 2;
    }

    /** The 16 phase kernels [phase][tap][cOut][cIn] from W[cOut][cIn][3][3]: SUMS * W^T. */
    private float[] phaseWeights(float[] weight) {
        int pairs = cOut * cIn;
        float[] out = Scratch.floats(Slot.WEIGHTS, 16 * pairs);
        gemm.sgemm(false, true, 16, pairs, 9, 1f, SUMS, 0, 9, weight, 0, 9, 0f, out, 0, pairs);
        return out;
    }

    /** dW[co][ci][ky][kx] += the phase-tap gradients whose sums contain tap (ky, kx): dW += dWp^T * SUMS. */
    private void foldPhaseGradients(float[] dW, float[] dWp) {
        int pairs = cOut * cIn;
        gemm.sgemm(true, false, pairs, 9, 16, 1f, dWp, 0, pairs, SUMS, 0, 9, 1f, dW, 0, 9);
    }

    /** g[co][y*wp + px + x] = dOut[n][co][2y+py][2x+px]; every other column of a row is zero. */
    private void gatherPhase(float[] g, float[] dOut, int n, int py, int px) {
        int ow = 2 * w, ohw = 4 * h * w, base = n * cOut * ohw;
        Parallel.forEach(cOut, (long) h * wp, co -> {
            for (int y = 0; y < h; y++) {
                int dst = co * h * wp + y * wp, src = base + co * ohw + (2 * y + py) * ow + px;
                Arrays.fill(g, dst, dst + wp, 0f);
                for (int x = 0; x < w; x++) {
                    g[dst + px + x] = dOut[src + 2 * x];
                }
            }
        });
    }
}
