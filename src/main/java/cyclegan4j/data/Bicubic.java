package cyclegan4j.data;

/**
 * Bicubic resampling of 8-bit planes, the way PIL's {@code Image.resize(size, Image.BICUBIC)}
 * (what the reference's {@code transforms.Resize} calls) computes it:
 *
 * <ul>
 *   <li>Keys' cubic convolution kernel with {@code a = -0.5}:
 *       {@code (a+2)|x|^3 - (a+3)|x|^2 + 1} for {@code |x| < 1},
 *       {@code a|x|^3 - 5a|x|^2 + 8a|x| - 4a} for {@code 1 <= |x| < 2}, else 0.</li>
 *   <li>Pixel centres at half-integers: output pixel {@code i} samples the input at
 *       {@code (i + 0.5) * in / out}.</li>
 *   <li>Antialiasing when downscaling: the kernel is stretched by the scale factor
 *       {@code in / out} (its support becomes {@code 2 * in / out}); never shrunk when upscaling.</li>
 *   <li>At the borders the kernel is cut to the pixels that exist and its weights renormalised
 *       to sum to 1 (no padding), so a constant image stays exactly constant.</li>
 *   <li>Separable: a horizontal pass then a vertical pass, each result rounded to the nearest
 *       integer and clamped to 0..255 as PIL does for 8-bit images. A pass whose size does not
 *       change is skipped, so resizing to the same size is exact.</li>
 *   <li>Like PIL's 8-bit path, the normalised weights are rounded to 22-bit fixed point and each
 *       pass sums in integers, so results match PIL level for level (checked against Pillow 9.4
 *       on random images, up- and downscaling; see BicubicTest).</li>
 * </ul>
 */
public final class Bicubic {

    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;
    /** Fixed-point fraction bits of the weights (PIL: 32 - 8 - 2). */
    private static final int PRECISION_BITS = 22;

    private Bicubic() {
    }

    /** The cubic convolution kernel (a = -0.5). */
    public static double kernel(double x) {
        x = Math.abs(x);
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0;
        }
        if (x < 2.0) {
            return (((x - 5.0) * x + 8.0) * x - 4.0) * A;
        }
        return 0.0;
    }

    /** Resizes 8-bit planes to {@code outH x outW}; returns new planes (0..255 integers). */
    public static ImageCodec.Planes resize(ImageCodec.Planes in, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize to " + outH + "x" + outW);
        }
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        float[] data = in.data();
        if (outW != w) {
            Weights wx = weights(w, outW);
            float[] tmp = new float[c * h * outW];
            for (int row = 0; row < c * h; row++) {
                int src = row * w;
                int dst = row * outW;
                for (int x = 0; x < outW; x++) {
                    long s = 1L << (PRECISION_BITS - 1);
                    int first = wx.first[x];
                    int[] k = wx.fixed[x];
                    for (int j = 0; j < k.length; j++) {
                        s += (long) k[j] * (int) data[src + first + j];
                    }
                    tmp[dst + x] = clamp8(s);
                }
            }
            data = tmp;
            w = outW;
        }
        if (outH != h) {
            Weights wy = weights(h, outH);
            float[] tmp = new float[c * outH * w];
            for (int p = 0; p < c; p++) {
                int plane = p * h * w;
                for (int y = 0; y < outH; y++) {
                    int first = wy.first[y];
                    int[] k = wy.fixed[y];
                    int dst = (p * outH + y) * w;
                    for (int x = 0; x < w; x++) {
                        long s = 1L << (PRECISION_BITS - 1);
                        for (int j = 0; j < k.length; j++) {
                            s += (long) k[j] * (int) data[plane + (first + j) * w + x];
                        }
                        tmp[dst + x] = clamp8(s);
                    }
                }
            }
            data = tmp;
            h = outH;
        }
        if (data == in.data()) {
            data = data.clone();
        }
        return new ImageCodec.Planes(c, h, w, data);
    }

    /** A fixed-point sum (already offset by one half) to a clamped 8-bit level. */
    private static float clamp8(long s) {
        long v = s >> PRECISION_BITS;
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    /**
     * For each output index: the first input index, the normalised weights from there on, and
     * the same weights in fixed point (rounded half away from zero).
     */
    record Weights(int[] first, double[][] k, int[][] fixed) {
    }

    static Weights weights(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int[] first = new int[outSize];
        double[][] k = new double[outSize][];
        int[][] fixed = new int[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
            int hi = Math.min(inSize, (int) Math.floor(center + support + 0.5));
            double[] kk = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double v = kernel((j + 0.5 - center) / filterScale);
                kk[j - lo] = v;
                sum += v;
            }
            if (sum != 0) {
                for (int j = 0; j < kk.length; j++) {
                    kk[j] /= sum;
                }
            }
            int[] kf = new int[kk.length];
            for (int j = 0; j < kk.length; j++) {
                kf[j] = (int) (kk[j] * (1 << PRECISION_BITS) + (kk[j] < 0 ? -0.5 : 0.5));
            }
            first[i] = lo;
            k[i] = kk;
            fixed[i] = kf;
        }
        return new Weights(first, k, fixed);
    }
}
