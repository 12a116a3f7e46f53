package cyclegan4j.backend.cpu;

import java.util.Arrays;

/** Padding, instance norm and upsampling on float arrays, one (n, c) plane per parallel item. */
final class CpuSpatial {

    private CpuSpatial() {
    }

    /** Index of the input row/column that output position i (in padded coordinates minus pad) reads. */
    static int reflect(int i, int size) {
        if (i < 0) {
            return -i;
        }
        if (i >= size) {
            return 2 * (size - 1) - i;
        }
        return i;
    }

    /**
     * Row by row: the input row (an arraycopy), then its l mirrored columns on the left and r on the
     * right. Reflection needs l, r &lt; w and t, b &lt; h (checked by the caller).
     */
    static void reflectionPadForward(float[] out, float[] in, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) oh * ow, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            for (int y = 0; y < oh; y++) {
                int src = ib + reflect(y - t, h) * w, dst = ob + y * ow;
                System.arraycopy(in, src, out, dst + l, w);
                for (int x = 0; x < l; x++) { // out column x mirrors input column l - x
                    out[dst + x] = in[src + l - x];
                }
                for (int x = 0; x < r; x++) { // out column l + w + x mirrors input column w - 2 - x
                    out[dst + l + w + x] = in[src + w - 2 - x];
                }
            }
        });
    }

    /**
     * The transpose of {@link #reflectionPadForward}: each input row first takes the output row that
     * copied it (written, so no zeroing pass), then the mirrored rows and columns are added.
     */
    static void reflectionPadBackward(float[] dIn, float[] dOut, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) oh * ow, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            for (int y = 0; y < h; y++) {
                System.arraycopy(dOut, ob + (y + t) * ow + l, dIn, ib + y * w, w);
            }
            for (int y = 0; y < oh; y++) {
                int dst = ib + reflect(y - t, h) * w, src = ob + y * ow;
                if (y < t || y >= t + h) { // a mirrored row: its middle adds to the row it copied
                    for (int x = 0; x < w; x++) {
                        dIn[dst + x] += dOut[src + l + x];
                    }
                }
                for (int x = 0; x < l; x++) {
                    dIn[dst + l - x] += dOut[src + x];
                }
                for (int x = 0; x < r; x++) {
                    dIn[dst + w - 2 - x] += dOut[src + l + w + x];
                }
            }
        });
    }

    static void zeroPadForward(float[] out, float[] in, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) oh * ow, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            Arrays.fill(out, ob, ob + oh * ow, 0f);
            for (int y = 0; y < h; y++) {
                System.arraycopy(in, ib + y * w, out, ob + (y + t) * ow + l, w);
            }
        });
    }

    static void zeroPadBackward(float[] dIn, float[] dOut, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) h * w, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            for (int y = 0; y < h; y++) {
                System.arraycopy(dOut, ob + (y + t) * ow + l, dIn, ib + y * w, w);
            }
        });
    }

    /*
     * Plane sums add BLOCK floats in float, then the block sums in double: about twice as fast on
     * these planes as a double sum, whose every term the JIT converts, and with 64 terms per float
     * sum their rounding stays near float32's own. Means are summed from the plane's first value,
     * so that an offset common to the plane (a conv output's bias) does not swell the float sums.
     */
    private static final int BLOCK = 64;

    /** out = xhat = (x - mean) * rstd per plane, or leaky(xhat, slope) when {@code activate} (the LeakyReLU / ReLU after it, fused). */
    static void instanceNormForward(float[] out, float[] mean, float[] rstd, float[] in, int planes, int hw, float eps,
                                    boolean activate, float slope) {
        Parallel.forEach(planes, hw, p -> {
            int base = p * hw;
            float m = (float) mean(in, base, hw);
            float rs = (float) (1.0 / Math.sqrt(squaredDeviations(in, base, hw, m) / hw + eps));
            mean[p] = m;
            rstd[p] = rs;
            for (int i = 0; i < hw; i++) {
                float xhat = (in[base + i] - m) * rs;
                out[base + i] = activate ? leaky(xhat, slope) : xhat;
            }
        });
    }

    /**
     * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), xhat = (x - mean) * rstd, with g = dy, or
     * with {@code activate} g = the fused LeakyReLU's gradient, its sign taken from xhat.
     */
    static void instanceNormBackward(float[] dIn, float[] dOut, float[] in, float[] mean, float[] rstd, int planes, int hw,
                                     boolean activate, float slope) {
        Parallel.forEach(planes, hw, p -> {
            int base = p * hw, end = base + hw;
            float m = mean[p], rs = rstd[p];
            // the sums of g (from its first value, as mean() sums) and of g * xhat, in one pass that also
            // puts g in dIn, so that the second takes the activation's gradient from there (twice as fast)
            float first = activate ? leakyGrad(dOut[base], (in[base] - m) * rs, slope) : dOut[base];
            double sdy = 0, sdyx = 0;
            for (int i = base; i < end; i += BLOCK) {
                float b = 0f, bx = 0f;
                for (int j = i, stop = Math.min(i + BLOCK, end); j < stop; j++) {
                    float xhat = (in[j] - m) * rs;
                    float g = activate ? leakyGrad(dOut[j], xhat, slope) : dOut[j];
                    dIn[j] = g;
                    b += g - first;
                    bx += g * xhat;
                }
                sdy += b;
                sdyx += bx;
            }
            float mdy = (float) (first + sdy / hw), mdyx = (float) (sdyx / hw);
            for (int i = base; i < end; i++) {
                float xhat = (in[i] - m) * rs;
                dIn[i] = rs * (dIn[i] - mdy - xhat * mdyx);
            }
        });
    }

    /** LeakyReLU (slope 0: ReLU), branch-free: signs are random, a branch mispredicts half the time. */
    static float leaky(float v, float slope) {
        return Math.max(v, 0f) + slope * Math.min(v, 0f);
    }

    private static final int ONE_BITS = Float.floatToRawIntBits(1f);

    /** LeakyReLU's gradient: dy where x &gt; 0, else slope * dy (x's sign from its bits: -0f and negatives fail). */
    static float leakyGrad(float dy, float x, float slope) {
        int bits = Float.floatToRawIntBits(x);
        int pass = ((-bits) & ~bits) >> 31; // all ones where bits > 0 as an int: x > 0 (-0f's bits are Integer.MIN_VALUE)
        return dy * Float.intBitsToFloat(ONE_BITS & pass | Float.floatToRawIntBits(slope) & ~pass); // dy * (x > 0 ? 1 : slope)
    }

    /** The mean of a[from .. from + n), as a[from] + the mean of (a[i] - a[from]). */
    private static double mean(float[] a, int from, int n) {
        float first = a[from];
        double s = 0;
        for (int i = from, end = from + n; i < end; i += BLOCK) {
            float b = 0f;
            for (int j = i, stop = Math.min(i + BLOCK, end); j < stop; j++) {
                b += a[j] - first;
            }
            s += b;
        }
        return first + s / n;
    }

    /** The sum of (a[i] - m)^2 over a[from .. from + n) (with m = 0: the sum of squares). */
    static double squaredDeviations(float[] a, int from, int n, float m) {
        double s = 0;
        for (int i = from, end = from + n; i < end; i += BLOCK) {
            float b = 0f;
            for (int j = i, stop = Math.min(i + BLOCK, end); j < stop; j++) {
                float d = a[j] - m;
                b += d * d;
            }
            s += b;
        }
        return s;
    }

    static void upsampleForward(float[] out, float[] in, int planes, int h, int w, int f) {
        int ow = w * f;
        Parallel.forEach(planes, (long) h * w * f * f, p -> {
            int ib = p * h * w, ob = p * h * f * ow;
            for (int y = 0; y < h * f; y++) {
                int src = ib + (y / f) * w, dst = ob + y * ow;
                for (int x = 0; x < ow; x++) {
                    out[dst + x] = in[src + x / f];
                }
            }
        });
    }

    static void upsampleBackward(float[] dIn, float[] dOut, int planes, int h, int w, int f) {
        int ow = w * f;
        Parallel.forEach(planes, (long) h * w * f * f, p -> {
            int ib = p * h * w, ob = p * h * f * ow;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0f;
                    for (int dy = 0; dy < f; dy++) {
                        int row = ob + (y * f + dy) * ow + x * f;
                        for (int dx = 0; dx < f; dx++) {
                            s += dOut[row + dx];
                        }
                    }
                    dIn[ib + y * w + x] = s;
                }
            }
        });
    }
}
