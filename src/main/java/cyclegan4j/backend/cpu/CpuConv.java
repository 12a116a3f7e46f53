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
 *   out[cOut][J]   = W[cOut][K] * col            (+ bias)
 *   dW[cOut][K]   += dOut[cOut][J] * col^T
 *   dCol[K][J]     = W^T * dOut[cOut][J]; dIn += col2im(dCol)
 * </pre>
 * The GEMMs use all cores themselves; im2col/col2im are split across cores by input channel.
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

    void forward(float[] out, float[] in, float[] weight, float[] bias, ConvShape s) {
        int oh = s.outH(), ow = s.outW(), ohw = oh * ow, k = s.patch();
        int rows = rowsPerChunk(s);
        float[] col = new float[k * rows * ow];
        for (int n = 0; n < s.n(); n++) {
            int inBase = n * s.cIn() * s.h() * s.w();
            int outBase = n * s.cOut() * ohw;
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int cols = Math.min(rows, oh - y0) * ow;
                im2col(col, in, inBase, s, y0, cols);
                gemm.sgemm(false, false, s.cOut(), cols, k, 1f, weight, 0, k, col, 0, cols,
                        0f, out, outBase + y0 * ow, ohw);
            }
            if (bias != null) {
                for (int co = 0; co < s.cOut(); co++) {
                    int base = outBase + co * ohw;
                    float b = bias[co];
                    for (int j = 0; j < ohw; j++) {
                        out[base + j] += b;
                    }
                }
            }
        }
    }

    void backward(float[] dIn, float[] dW, float[] dB, float[] dOut, float[] in, float[] weight, ConvShape s) {
        int oh = s.outH(), ow = s.outW(), ohw = oh * ow, k = s.patch();
        int rows = rowsPerChunk(s);
        float[] col = new float[k * rows * ow];
        if (dIn != null) {
            Arrays.fill(dIn, 0, s.n() * s.cIn() * s.h() * s.w(), 0f);
        }
        for (int n = 0; n < s.n(); n++) {
            int inBase = n * s.cIn() * s.h() * s.w();
            int outBase = n * s.cOut() * ohw;
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int cols = Math.min(rows, oh - y0) * ow;
                if (dW != null) {
                    im2col(col, in, inBase, s, y0, cols);
                    gemm.sgemm(false, true, s.cOut(), k, cols, 1f, dOut, outBase + y0 * ow, ohw, col, 0, cols,
                            1f, dW, 0, k);
                }
                if (dIn != null) {
                    gemm.sgemm(true, false, k, cols, s.cOut(), 1f, weight, 0, k, dOut, outBase + y0 * ow, ohw,
                            0f, col, 0, cols);
                    col2im(dIn, col, inBase, s, y0, cols);
                }
            }
            if (dB != null) {
                for (int co = 0; co < s.cOut(); co++) {
                    int base = outBase + co * ohw;
                    double acc = 0;
                    for (int j = 0; j < ohw; j++) {
                        acc += dOut[base + j];
                    }
                    dB[co] += (float) acc;
                }
            }
        }
    }

    /** Fills col[K][cols] for output rows starting at y0 (cols = whole rows * ow). */
    private static void im2col(float[] col, float[] in, int inBase, ConvShape s, int y0, int cols) {
        int ow = s.outW(), kh = s.kh(), kw = s.kw(), h = s.h(), w = s.w(), st = s.stride(), pad = s.pad();
        int nRows = cols / ow;
        Parallel.forEach(s.cIn(), (long) kh * kw * cols, ci -> {
            int plane = inBase + ci * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int dst = ((ci * kh + ky) * kw + kx) * cols;
                    for (int r = 0; r < nRows; r++) {
                        int iy = (y0 + r) * st - pad + ky;
                        int rowDst = dst + r * ow;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, rowDst, rowDst + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * st - pad + kx;
                            col[rowDst + ox] = ix >= 0 && ix < w ? in[src + ix] : 0f;
                        }
                    }
                }
            }
        });
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
                    for (int r = 0; r < nRows; r++) {
                        int iy = (y0 + r) * st - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int rowSrc = src + r * ow, dst = plane + iy * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * st - pad + kx;
                            if (ix >= 0 && ix < w) {
                                dIn[dst + ix] += col[rowSrc + ox];
                            }
                        }
                    }
                }
            }
        });
    }
}
