package cyclegan4j.backend.cpu;

import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.cpu.Scratch.Slot;

import java.util.Arrays;

/**
 * A stride-1 convolution as kh*kw GEMMs over shifted views of the input, with no im2col.
 *
 * <p>Lay the (zero-padded) input plane out flat, hp x wp, and index the output on the same row
 * width: j = y*wp + x. Output (y, x) reads input (y+ky, x+kx), which is flat index j + ky*wp + kx.
 * So for each kernel tap t = (ky, kx) the input, viewed from offset ky*wp + kx with row stride
 * hp*wp per channel, is a [cIn][span] matrix, and
 * <pre>
 *   wide[cOut][j] += Wt[cOut][cIn] * in[cIn][j + ky*wp + kx]        (Wt = W[:, :, ky, kx])
 *   dWt[cOut][cIn] += dWide[cOut][j] * in[cIn][j + ky*wp + kx]^T
 *   dIn[cIn][j + ky*wp + kx] += Wt^T * dWide[cOut][j]
 * </pre>
 * for j in [0, span), span = oh*wp - (kw-1): the last index whose view stays inside the plane.
 * The columns x &gt;= ow of the wide layout wrap into the next row: the forward pass drops them, and
 * dWide holds zeros there so that they add nothing in the backward pass.
 *
 * <p>Each GEMM's inner size is a channel count, so this pays only with many channels (the residual
 * blocks' 256, the decoder's 128 and 256); the 3-channel stem keeps im2col. Against im2col it
 * saves writing and reading the kh*kw-times larger column buffer and col2im's scatter.
 */
final class ShiftedConv {

    /** Fewest channels in the GEMMs' inner dimension for which this path is used. */
    static final int MIN_CHANNELS = 16;

    private final Gemm gemm;
    private final ConvShape s;
    private final int cIn, cOut, kw, taps, wp, plane, oh, ow, wide, span;

    ShiftedConv(Gemm gemm, ConvShape s) {
        if (s.stride() != 1) {
            throw new IllegalArgumentException("shifted convolution needs stride 1: " + s);
        }
        this.gemm = gemm;
        this.s = s;
        cIn = s.cIn();
        cOut = s.cOut();
        kw = s.kw();
        taps = s.kh() * kw;
        wp = s.w() + 2 * s.pad();
        plane = (s.h() + 2 * s.pad()) * wp;
        oh = s.outH();
        ow = s.outW();
        wide = oh * wp;
        span = (int) span(s);
    }

    /*
     * When each pass pays. BLAS packs both GEMM operands for every tap, so this path re-packs the
     * operand that im2col would have packed once: the weights (cOut x cIn per tap) in the forward
     * pass, the output gradient (cOut x span per tap) in the backward passes. It wins where that
     * costs less than writing and reading the column buffer (cIn x span per tap). Measured on the
     * 2-vCPU VM (OpenBLAS, best of 15 interleaved calls): forward 9.4 vs 25.8 ms for c7s1-3 at
     * 128x128, 19.0 vs 21.7 ms for a residual conv at 64x64, but 2.5 vs 1.8 ms at 16x16 (span
     * 286 < 4 x 256) and 25.9 vs 20.5 ms for the discriminator's 256->512 conv.
     */

    /** The forward pass: many input channels, and the weights small next to the image. */
    static boolean servesForward(ConvShape s) {
        return s.stride() == 1 && s.cIn() >= MIN_CHANNELS && span(s) >= 4L * s.cOut();
    }

    /** The weight gradient: it re-packs the output gradient, so there must be fewer output channels. */
    static boolean servesWeightGradient(ConvShape s) {
        return s.stride() == 1 && s.cIn() >= MIN_CHANNELS && 2 * s.cOut() <= s.cIn();
    }

    /** The input gradient: no more output than input channels, and the weights small next to the image. */
    static boolean servesInputGradient(ConvShape s) {
        return s.stride() == 1 && s.cOut() >= MIN_CHANNELS && s.cOut() <= s.cIn() && span(s) >= 4L * s.cIn();
    }

    /** Output positions in the wide layout that each tap's GEMM covers. */
    private static long span(ConvShape s) {
        return (long) s.outH() * (s.w() + 2 * s.pad()) - (s.kw() - 1);
    }

    /** out = conv(in, W) (+ bias), written, for every image of the batch. */
    void forward(float[] out, float[] in, float[] weight, float[] bias) {
        if (stacksTaps(s)) {
            forwardStacked(out, in, weight, bias);
            return;
        }
        float[] wt = tapMajor(weight);
        float[] acc = Scratch.floats(Slot.OUTPUT, cOut * wide);
        float[] x = padded(in, Slot.INPUT);
        int ohw = oh * ow;
        for (int n = 0; n < s.n(); n++) {
            for (int t = 0; t < taps; t++) {
                gemm.sgemm(false, false, cOut, span, cIn, 1f, wt, t * cOut * cIn, cIn,
                        x, n * cIn * plane + shift(t), plane, t == 0 ? 0f : 1f, acc, 0, wide);
            }
            int outBase = n * cOut * ohw;
            Parallel.forEach(cOut, wide, co -> { // keep columns x < ow, add the bias
                float b = bias == null ? 0f : bias[co];
                for (int y = 0; y < oh; y++) {
                    int src = co * wide + y * wp, dst = outBase + co * ohw + y * ow;
                    for (int xx = 0; xx < ow; xx++) {
                        out[dst + xx] = acc[src + xx] + b;
                    }
                }
            });
        }
    }

    /*
     * A convolution to very few output channels (the generator's last layer, c7s1-3: 64 -> 3
     * channels, 7x7) would give the per-tap GEMMs above 3 rows, where BLAS runs at a fraction of its
     * rate, and read the input once per tap (49 times). Stacking the taps makes it one GEMM with
     * taps * cOut rows (147) that reads the input once, then a shifted sum:
     *   Z[t][co][j]   = sum over ci of W[co][ci][t] * in[ci][j]        (j over the padded plane)
     *   out[co][y][x] = bias[co] + sum over t of Z[t][co][y*wp + x + ky*wp + kx]
     * Z is 147 floats per input position, so it is made for a band of output rows at a time (plus
     * the kh - 1 rows below it that the band's taps read), about 8 MB: it stays in the cache. The
     * weight gradient is the same GEMM transposed. On the 2-vCPU VM, c7s1-3 at 256x256: forward
     * 53-64 -> 19-25 ms, weight gradient 74-77 -> 17-19 ms; the discriminator's 512 -> 1 head
     * (4x4 at 17x17) timed the same either way.
     */

    /** Output channels up to which the forward pass and the weight gradient stack the taps. */
    private static final int STACKED_MAX_OUT = 4;

    /** Floats of Z per band of output rows. */
    private static final int STACKED_BUDGET = 1 << 21;

    private static boolean stacksTaps(ConvShape s) {
        return s.cOut() <= STACKED_MAX_OUT;
    }

    /** Output rows per band: as many as keep Z (their input rows, taps * cOut floats each) within the budget. */
    private int stackedBand() {
        return (int) Math.max(1, Math.min(oh, STACKED_BUDGET / ((long) taps * cOut * wp) - (s.kh() - 1)));
    }

    private void forwardStacked(float[] out, float[] in, float[] weight, float[] bias) {
        float[] wt = tapMajor(weight); // [tap][cOut][cIn]: the stacked GEMM's left operand as it is
        float[] x = padded(in, Slot.INPUT);
        int kh = s.kh(), rowsZ = taps * cOut, ohw = oh * ow, band = stackedBand();
        float[] z = Scratch.floats(Slot.STACKED_TAPS, rowsZ * (band + kh - 1) * wp);
        for (int n = 0; n < s.n(); n++) {
            for (int y0 = 0; y0 < oh; y0 += band) {
                int rows = Math.min(band, oh - y0), cols = (rows + kh - 1) * wp; // padded rows y0 .. y0+rows+kh-2
                gemm.sgemm(false, false, rowsZ, cols, cIn, 1f, wt, 0, cIn, x, n * cIn * plane + y0 * wp, plane, 0f, z, 0, cols);
                int outBase = n * cOut * ohw + y0 * ow;
                Parallel.forEach(cOut * rows, (long) taps * ow, task -> {
                    int co = task / rows, r = task % rows;
                    int dst = outBase + co * ohw + r * ow;
                    Arrays.fill(out, dst, dst + ow, bias == null ? 0f : bias[co]);
                    for (int t = 0; t < taps; t++) {
                        int src = (t * cOut + co) * cols + r * wp + shift(t);
                        for (int xx = 0; xx < ow; xx++) {
                            out[dst + xx] += z[src + xx];
                        }
                    }
                });
            }
        }
    }

    /**
     * dWt (tap-major, written for image 0, then added to) gets image n's weight gradient with the
     * taps stacked: the transpose of {@link #forwardStacked}. Per band of output rows,
     * dZ[t][co][j] = dWide[co][j - ky*wp - kx] (zero outside the band) and dWt += dZ * in^T, one
     * GEMM with taps * cOut rows and an inner size of the band's input positions.
     */
    private void weightGradientStacked(float[] dWt, float[] dWide, float[] x, int n) {
        int kh = s.kh(), rowsZ = taps * cOut, band = stackedBand();
        float[] dz = Scratch.floats(Slot.STACKED_TAPS, rowsZ * (band + kh - 1) * wp);
        for (int y0 = 0; y0 < oh; y0 += band) {
            int rows = Math.min(band, oh - y0), cols = (rows + kh - 1) * wp, first = y0;
            Parallel.forEach(rowsZ, cols, row -> {
                int t = row / cOut, co = row % cOut, dst = row * cols, at = shift(t);
                // the band's wide rows from column `at`; the last kw - 1 floats that would pass the end are wrap zeros
                int len = Math.min(rows * wp, cols - at);
                Arrays.fill(dz, dst, dst + at, 0f);
                System.arraycopy(dWide, co * wide + first * wp, dz, dst + at, len);
                Arrays.fill(dz, dst + at + len, dst + cols, 0f);
            });
            gemm.sgemm(false, true, rowsZ, cIn, cols, 1f, dz, 0, cols, x, n * cIn * plane + y0 * wp, plane,
                    n == 0 && y0 == 0 ? 0f : 1f, dWt, 0, cIn);
        }
    }

    /**
     * dW += the weight gradient and/or dIn = the input gradient (either may be null; dIn is written),
     * for every image of the batch. The bias gradient stays with the caller.
     */
    void backward(float[] dIn, float[] dW, float[] dOut, float[] in, float[] weight) {
        float[] dWide = Scratch.floats(Slot.OUTPUT_GRAD, cOut * wide);
        float[] wt = dIn != null ? tapMajor(weight) : null;
        float[] dWt = dW != null ? Scratch.floats(Slot.WEIGHT_GRAD, taps * cOut * cIn) : null;
        float[] x = dW != null ? padded(in, Slot.INPUT) : null;
        // the input gradient of the padded image, whose interior is dIn's
        float[] dx = dIn == null ? null : s.pad() > 0 ? Scratch.floats(Slot.INPUT_GRAD, s.n() * cIn * plane) : dIn;
        for (int n = 0; n < s.n(); n++) {
            widen(dWide, dOut, n);
            int base = n * cIn * plane;
            if (dW != null && stacksTaps(s)) {
                weightGradientStacked(dWt, dWide, x, n);
            } else if (dW != null) {
                for (int t = 0; t < taps; t++) {
                    gemm.sgemm(false, true, cOut, cIn, span, 1f, dWide, 0, wide, x, base + shift(t), plane,
                            n == 0 ? 0f : 1f, dWt, t * cOut * cIn, cIn);
                }
            }
            if (dIn != null) {
                Arrays.fill(dx, base, base + cIn * plane, 0f);
                for (int t = 0; t < taps; t++) {
                    gemm.sgemm(true, false, cIn, span, cOut, 1f, wt, t * cOut * cIn, cIn, dWide, 0, wide,
                            1f, dx, base + shift(t), plane);
                }
            }
        }
        if (dIn != null && dx != dIn) { // the padding's gradient is dropped
            int p = s.pad();
            CpuSpatial.zeroPadBackward(dIn, dx, s.n() * cIn, s.h(), s.w(), p, p, p, p);
        }
        if (dW != null) {
            Parallel.forEach(cOut, (long) cIn * taps, co -> { // co's row of dW (cIn*taps floats) stays in cache
                for (int t = 0; t < taps; t++) {
                    int from = (t * cOut + co) * cIn, to = co * cIn * taps + t;
                    for (int ci = 0; ci < cIn; ci++) {
                        dW[to + ci * taps] += dWt[from + ci];
                    }
                }
            });
        }
    }

    /** in itself without padding, else every image of in zero-padded into the slot's array, [n][cIn][hp][wp]. */
    private float[] padded(float[] in, Slot slot) {
        int p = s.pad();
        if (p == 0) {
            return in;
        }
        float[] x = Scratch.floats(slot, s.n() * cIn * plane);
        CpuSpatial.zeroPadForward(x, in, s.n() * cIn, s.h(), s.w(), p, p, p, p);
        return x;
    }

    /** Flat offset of tap t's view: ky*wp + kx. */
    private int shift(int t) {
        return t / kw * wp + t % kw;
    }

    /** W[cOut][cIn][kh][kw] as [tap][cOut][cIn]: one row-major matrix per tap. */
    private float[] tapMajor(float[] weight) {
        float[] wt = Scratch.floats(Slot.WEIGHTS, taps * cOut * cIn);
        Parallel.forEach(cOut, (long) cIn * taps, co -> { // writes in order; co's row of W stays in cache
            for (int t = 0; t < taps; t++) {
                int from = co * cIn * taps + t, to = (t * cOut + co) * cIn;
                for (int ci = 0; ci < cIn; ci++) {
                    wt[to + ci] = weight[from + ci * taps];
                }
            }
        });
        return wt;
    }

    /** dWide[co][y*wp + x] = dOut[n][co][y][x] for x &lt; ow, zero for the wrapped columns. */
    private void widen(float[] dWide, float[] dOut, int n) {
        int ohw = oh * ow, base = n * cOut * ohw;
        Parallel.forEach(cOut, wide, co -> {
            for (int y = 0; y < oh; y++) {
                int dst = co * wide + y * wp;
                System.arraycopy(dOut, base + co * ohw + y * ow, dWide, dst, ow);
                Arrays.fill(dWide, dst + ow, dst + wp, 0f);
            }
        });
    }
}
