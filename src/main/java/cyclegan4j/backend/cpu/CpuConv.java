package cyclegan4j.backend.cpu;

import cyclegan4j.backend.ConvShape;

import java.util.Arrays;

/**
 * Convolution as im2col + GEMM, one image at a time, in chunks of whole output rows so that the
 * column buffer stays around 16 MB whatever the image size.
 *
 * <p>For image n and a chunk of output positions J (row-major over oh x ow), with K = cIn*kh*kw:
 * <pre>
 *   col[K][J]      = the input patch under each output position (zero outside the input)
 *   out[cOut][J]   = W[cOut][K] * col            (+ bias: out is prefilled with it, GEMM beta = 1)
 *   dW[cOut][K]   += dOut[cOut][J] * col^T
 *   dB[cOut]      += sum over J of dOut[cOut][J]
 *   dCol[K][J]     = W^T * dOut[cOut][J]; dIn += col2im(dCol)
 * </pre>
 * The GEMMs use all cores themselves; im2col/col2im are split across cores by input channel.
 *
 * <p>Stride-1 convolutions with many channels skip the column buffer where {@link ShiftedConv}'s
 * rules say that pays (per pass: forward, weight gradient, input gradient).
 *
 * <p>A stride-1 convolution that narrows the channels (cOut < cIn: the decoder's u128, u64 and
 * final c7s1-3, the discriminator's last layer) gets its input gradient as the forward convolution
 * of dOut with the flipped, transposed kernel instead: its column buffer has cOut*kh*kw rows
 * instead of cIn*kh*kw, and no col2im. For c7s1-3 at 128x128 that is 147 rows instead of 3,136
 * (the GEMM's inner size was 3). With equal channel counts both ways timed the same on 2 cores
 * (28.3 vs 28.7 ms at 1x256x64x64, 3x3, 256 channels), so those keep the general path.
 */
final class CpuConv {

    private static final int COL_BUDGET = 1 << 22; // floats in one column chunk (16 MB)

    private final Gemm gemm;

    CpuConv(Gemm gemm) {
        this.gemm = gemm;
    }

    Gemm gemm() {
        return gemm;
    }

    /** Output rows per chunk: as many as fit the column budget, at least one. */
    private static int rowsPerChunk(ConvShape s) {
        long perRow = (long) s.patch() * s.outW();
        return (int) Math.max(1, Math.min(s.outH(), COL_BUDGET / perRow));
    }

    /** out = W * im2col(in) (+ bias), written (not accumulated), for every image of the batch. */
    void forward(float[] out, float[] in, float[] weight, float[] bias, ConvShape s) {
        if (ShiftedConv.servesForward(s)) {
            new ShiftedConv(gemm, s).forward(out, in, weight, bias);
            return;
        }
        int oh = s.outH(), ow = s.outW(), ohw = oh * ow, k = s.patch(), cOut = s.cOut();
        int rows = rowsPerChunk(s);
        float[] col = Scratch.floats(Scratch.Slot.COLUMNS, k * rows * ow);
        for (int n = 0; n < s.n(); n++) {
            int inBase = n * s.cIn() * s.h() * s.w();
            int outBase = n * cOut * ohw;
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int cols = Math.min(rows, oh - y0) * ow;
                int outOff = outBase + y0 * ow;
                im2col(col, in, inBase, s, y0, cols);
                if (bias != null) {
                    for (int co = 0; co < cOut; co++) {
                        int start = outOff + co * ohw;
                        Arrays.fill(out, start, start + cols, bias[co]);
                    }
                }
                gemm.sgemm(false, false, cOut, cols, k, 1f, weight, 0, k, col, 0, cols,
                        bias != null ? 1f : 0f, out, outOff, ohw);
            }
        }
    }

    void backward(float[] dIn, float[] dW, float[] dB, float[] dOut, float[] in, float[] weight, ConvShape s) {
        boolean shiftedW = dW != null && ShiftedConv.servesWeightGradient(s);
        boolean shiftedIn = dIn != null && ShiftedConv.servesInputGradient(s);
        if (shiftedW || shiftedIn) {
            new ShiftedConv(gemm, s).backward(shiftedIn ? dIn : null, shiftedW ? dW : null, dOut, in, weight);
        }
        // the flipped-kernel input gradient brings its own (smaller) column buffer
        boolean colForInput = dIn != null && !shiftedIn && !narrowsChannels(s);
        float[] col = (dW != null && !shiftedW) || colForInput ? Scratch.floats(Scratch.Slot.COLUMNS, s.patch() * rowsPerChunk(s) * s.outW()) : null;
        if (dW != null && !shiftedW) {
            weightGradient(dW, dOut, in, col, s);
        }
        if (dB != null) {
            biasGradient(dB, dOut, s);
        }
        if (dIn != null && !shiftedIn) {
            if (colForInput) {
                inputGradient(dIn, dOut, weight, col, s);
            } else {
                inputGradientByFlippedKernel(dIn, dOut, weight, s);
            }
        }
    }

    /** dB[co] += the sum of dOut over channel co of every image. */
    static void biasGradient(float[] dB, float[] dOut, ConvShape s) {
        biasGradient(dB, dOut, s.n(), s.cOut(), s.outH() * s.outW());
    }

    /** dB[co] += the sum of dOut[i][co][j] over the images i and positions j. */
    static void biasGradient(float[] dB, float[] dOut, int images, int channels, int hw) {
        Parallel.forEach(channels, (long) images * hw, co -> {
            double acc = 0;
            for (int n = 0; n < images; n++) {
                int base = (n * channels + co) * hw;
                for (int j = 0; j < hw; j++) {
                    acc += dOut[base + j];
                }
            }
            dB[co] += (float) acc;
        });
    }

    /** dW += dOut * im2col(in)^T, chunk by chunk (col: the column buffer, overwritten). */
    private void weightGradient(float[] dW, float[] dOut, float[] in, float[] col, ConvShape s) {
        int oh = s.outH(), ow = s.outW(), ohw = oh * ow, k = s.patch();
        int rows = rowsPerChunk(s);
        for (int n = 0; n < s.n(); n++) {
            int inBase = n * s.cIn() * s.h() * s.w();
            int outBase = n * s.cOut() * ohw;
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int cols = Math.min(rows, oh - y0) * ow;
                im2col(col, in, inBase, s, y0, cols);
                gemm.sgemm(false, true, s.cOut(), k, cols, 1f, dOut, outBase + y0 * ow, ohw, col, 0, cols,
                        1f, dW, 0, k);
            }
        }
    }

    /** Whether {@link #inputGradientByFlippedKernel} serves this shape (class comment). */
    private static boolean narrowsChannels(ConvShape s) {
        return s.stride() == 1 && s.kh() == s.kw() && s.pad() <= s.kh() - 1 && s.cOut() < s.cIn();
    }

    /**
     * dIn = dOut convolved with W' where W'[ci][co][ky][kx] = W[co][ci][kh-1-ky][kw-1-kx], padding
     * kh-1-pad: the "full" correlation that a stride-1 convolution's input gradient is.
     */
    private void inputGradientByFlippedKernel(float[] dIn, float[] dOut, float[] weight, ConvShape s) {
        int k = s.kh(), kk = k * k, cIn = s.cIn(), cOut = s.cOut();
        float[] flipped = new float[cIn * cOut * kk]; // not a Scratch array: forward() below takes those
        for (int co = 0; co < cOut; co++) {
            for (int ci = 0; ci < cIn; ci++) {
                int from = (co * cIn + ci) * kk, to = (ci * cOut + co) * kk;
                for (int t = 0; t < kk; t++) {
                    flipped[to + t] = weight[from + kk - 1 - t];
                }
            }
        }
        forward(dIn, dOut, flipped, null, new ConvShape(s.n(), cOut, s.outH(), s.outW(), cIn, k, k, 1, k - 1 - s.pad()));
    }

    /** dIn = col2im(W^T * dOut), chunk by chunk: the transposed convolution (col: overwritten). */
    private void inputGradient(float[] dIn, float[] dOut, float[] weight, float[] col, ConvShape s) {
        int oh = s.outH(), ow = s.outW(), ohw = oh * ow, k = s.patch();
        int rows = rowsPerChunk(s);
        Arrays.fill(dIn, 0, s.n() * s.cIn() * s.h() * s.w(), 0f);
        for (int n = 0; n < s.n(); n++) {
            int inBase = n * s.cIn() * s.h() * s.w();
            int outBase = n * s.cOut() * ohw;
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int cols = Math.min(rows, oh - y0) * ow;
                gemm.sgemm(true, false, k, cols, s.cOut(), 1f, weight, 0, k, dOut, outBase + y0 * ow, ohw,
                        0f, col, 0, cols);
                col2im(dIn, col, inBase, s, y0, cols);
            }
        }
    }

    /** First output column ox whose input column ox*stride - pad + kx is >= 0 (clamped to ow). */
    private static int firstInside(int kx, ConvShape s) {
        int need = s.pad() - kx; // ox * stride >= need
        return need <= 0 ? 0 : Math.min(s.outW(), (need + s.stride() - 1) / s.stride());
    }

    /** One past the last output column ox whose input column ox*stride - pad + kx is < w (clamped to ow). */
    private static int endInside(int kx, ConvShape s) {
        int limit = s.w() + s.pad() - kx; // ox * stride < limit
        int end = limit <= 0 ? 0 : (limit + s.stride() - 1) / s.stride();
        return Math.min(s.outW(), end);
    }

    /**
     * Fills col[K][cols] for output rows starting at y0 (cols = whole rows * ow). Each output row
     * of one (channel, ky, kx) is zeros, a run copied from an input row, zeros; the run's bounds are
     * computed once per kx so the copy is one arraycopy. Each element is written once: the zeros of
     * a row by plain loops (a pad of one or two columns; an Arrays.fill call per row cost more than
     * it saved), whole padding rows by one fill. Measured against zeroing the channel first (JMH
     * ConvBenchmark.forward, CPU, interleaved pairs): about 10% more GFLOP/s on the padded
     * convolutions. Strided convolutions go to {@link #im2colStrided}.
     */
    private static void im2col(float[] col, float[] in, int inBase, ConvShape s, int y0, int cols) {
        if (s.stride() != 1) {
            im2colStrided(col, in, inBase, s, y0, cols);
            return;
        }
        int ow = s.outW(), kh = s.kh(), kw = s.kw(), h = s.h(), w = s.w(), pad = s.pad();
        int nRows = cols / ow;
        // one task per (channel, kernel row): the 3-channel stem would give only 3 tasks
        Parallel.forEach(s.cIn() * kh, (long) kw * cols, task -> {
            int ci = task / kh, ky = task % kh;
            int plane = inBase + ci * h * w;
            for (int kx = 0; kx < kw; kx++) {
                int dst = ((ci * kh + ky) * kw + kx) * cols;
                int lo = firstInside(kx, s), hi = Math.max(lo, endInside(kx, s));
                for (int r = 0; r < nRows; r++) {
                    int iy = y0 + r - pad + ky;
                    int rowDst = dst + r * ow;
                    if (iy < 0 || iy >= h) { // a row of zero padding
                        Arrays.fill(col, rowDst, rowDst + ow, 0f);
                        continue;
                    }
                    // zero only the columns that read the padding: each element is written once
                    for (int ox = 0; ox < lo; ox++) {
                        col[rowDst + ox] = 0f;
                    }
                    for (int ox = hi; ox < ow; ox++) {
                        col[rowDst + ox] = 0f;
                    }
                    int src = plane + iy * w - pad + kx; // input index of output column 0
                    System.arraycopy(in, src + lo, col, rowDst + lo, hi - lo);
                }
            }
        });
    }

    /*
     * Strided convolutions (the down-sampling d128/d256 and the discriminator's 4x4 stride-2 convs)
     * work on "phase rows": an input row zero-padded (padded column p = ix + pad) and split by
     * p mod stride, phase q holding padded columns q, q + stride, ... at q * phaseLen + p / stride.
     * Output column ox of kernel column kx reads padded column ox * stride + kx, so its col row is
     * the contiguous run of phase kx mod stride from kx / stride: an arraycopy, with no bounds for
     * the padding (the phase row holds its zeros). The strided gather this replaces loaded every
     * input element kh * kw / stride^2 times (2.25 for 3x3, 4 for 4x4) one by one; de-interleaving
     * loads it about once. im2col alone, one thread, stride 2: 1.8 -> 0.9 ms at d128 (64x128x128),
     * 0.83 -> 0.40 ms at the discriminator's 64x64x64 4x4. The transpose (col2im into phase rows,
     * then re-interleaving) timed no faster than col2im's strided adds, so col2im keeps those.
     */

    /** Floats in one phase of a phase row: the zero-padded row's length / stride, rounded up. */
    private static int phaseLen(ConvShape s) {
        return (s.w() + 2 * s.pad() + s.stride() - 1) / s.stride();
    }

    /** Output rows per im2colStrided task: enough tasks for the 3-channel discriminator stem, few re-read input rows. */
    private static final int STRIDED_BLOCK = 8;

    /** im2col for stride > 1: one task per (channel, block of output rows), through its phase rows. */
    private static void im2colStrided(float[] col, float[] in, int inBase, ConvShape s, int y0, int cols) {
        int ow = s.outW(), kh = s.kh(), kw = s.kw(), h = s.h(), w = s.w(), st = s.stride(), pad = s.pad();
        int nRows = cols / ow, len = phaseLen(s), rowLen = st * len;
        int blocks = (nRows + STRIDED_BLOCK - 1) / STRIDED_BLOCK;
        Parallel.forEach(s.cIn() * blocks, (long) kh * kw * STRIDED_BLOCK * ow, task -> {
            int ci = task / blocks, r0 = task % blocks * STRIDED_BLOCK, r1 = Math.min(nRows, r0 + STRIDED_BLOCK);
            int iyFirst = (y0 + r0) * st - pad, nIn = (r1 - r0 - 1) * st + kh; // the input rows the block reads
            // a kept array, hot in cache (a fresh one per task cost 0.5 ms of the 0.9 at d128), in a
            // slot of its own: the thread that runs a task may be a caller holding other slots
            float[] phases = Scratch.floats(Scratch.Slot.PHASE_ROWS, nIn * rowLen);
            for (int i = 0; i < nIn; i++) {
                int iy = iyFirst + i;
                if (iy >= 0 && iy < h) {
                    deinterleave(in, inBase + (ci * h + iy) * w, phases, i * rowLen, s);
                }
            }
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int dst = ((ci * kh + ky) * kw + kx) * cols;
                    int from = (kx % st) * len + kx / st; // the run's start in a phase row
                    for (int r = r0; r < r1; r++) {
                        int i = (r - r0) * st + ky, iy = iyFirst + i;
                        if (iy < 0 || iy >= h) { // a row of zero padding
                            Arrays.fill(col, dst + r * ow, dst + (r + 1) * ow, 0f);
                        } else {
                            System.arraycopy(phases, i * rowLen + from, col, dst + r * ow, ow);
                        }
                    }
                }
            }
        });
    }

    /** Writes the phase row at phases[off..] of the input row at in[from..from+w): all of it, zeros in the padding. */
    private static void deinterleave(float[] in, int from, float[] phases, int off, ConvShape s) {
        int w = s.w(), st = s.stride(), pad = s.pad(), len = phaseLen(s);
        for (int p = 0; p < pad; p++) { // the padding columns (and the one that rounding len up may add)
            phases[off + p % st * len + p / st] = 0f;
        }
        for (int p = pad + w; p < st * len; p++) {
            phases[off + p % st * len + p / st] = 0f;
        }
        if (st == 2) { // both phases in one pass over the row: im2col 10-15% faster than the loop below
            int even = off + (pad & 1) * len + (pad >> 1), odd = off + ((pad + 1) & 1) * len + ((pad + 1) >> 1);
            int half = w / 2;
            for (int j = 0; j < half; j++) {
                phases[even + j] = in[from + 2 * j];
                phases[odd + j] = in[from + 2 * j + 1];
            }
            if (w % 2 != 0) {
                phases[even + half] = in[from + w - 1];
            }
            return;
        }
        for (int t = 0; t < st; t++) { // input columns t, t + st, ...: padded t + pad, t + pad + st, ...
            int dst = off + (t + pad) % st * len + (t + pad) / st;
            for (int j = 0, ix = t; ix < w; j++, ix += st) {
                phases[dst + j] = in[from + ix];
            }
        }
    }

    /** Adds col[K][cols] back into the input-shaped gradient (the transpose of im2col). */
    private static void col2im(float[] dIn, float[] col, int inBase, ConvShape s, int y0, int cols) {
        int ow = s.outW(), kh = s.kh(), kw = s.kw(), h = s.h(), w = s.w(), st = s.stride(), pad = s.pad();
        int nRows = cols / ow;
        Parallel.forEach(s.cIn(), (long) kh * kw * cols, ci -> { // one channel per task: no write conflicts
            int plane = inBase + ci * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int src = ((ci * kh + ky) * kw + kx) * cols;
                    int lo = firstInside(kx, s), hi = endInside(kx, s);
                    for (int r = 0; r < nRows; r++) {
                        int iy = (y0 + r) * st - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int rowSrc = src + r * ow, dst = plane + iy * w - pad + kx;
                        if (st == 1) { // a unit stride the JIT can vectorise
                            for (int ox = lo; ox < hi; ox++) {
                                dIn[dst + ox] += col[rowSrc + ox];
                            }
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                dIn[dst + ox * st] += col[rowSrc + ox];
                            }
                        }
                    }
                }
            }
        });
    }
}
