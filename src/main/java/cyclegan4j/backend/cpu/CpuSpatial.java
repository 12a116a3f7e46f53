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

    static void reflectionPadForward(float[] out, float[] in, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) oh * ow, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            for (int y = 0; y < oh; y++) {
                int iy = reflect(y - t, h);
                for (int x = 0; x < ow; x++) {
                    out[ob + y * ow + x] = in[ib + iy * w + reflect(x - l, w)];
                }
            }
        });
    }

    static void reflectionPadBackward(float[] dIn, float[] dOut, int planes, int h, int w, int l, int r, int t, int b) {
        int oh = h + t + b, ow = w + l + r;
        Parallel.forEach(planes, (long) oh * ow, p -> {
            int ib = p * h * w, ob = p * oh * ow;
            Arrays.fill(dIn, ib, ib + h * w, 0f);
            for (int y = 0; y < oh; y++) {
                int iy = reflect(y - t, h);
                for (int x = 0; x < ow; x++) {
                    dIn[ib + iy * w + reflect(x - l, w)] += dOut[ob + y * ow + x];
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

    static void instanceNormForward(float[] out, float[] mean, float[] rstd, float[] in, int planes, int hw, float eps) {
        Parallel.forEach(planes, hw, p -> {
            int base = p * hw;
            double s = 0;
            for (int i = 0; i < hw; i++) {
                s += in[base + i];
            }
            double mu = s / hw;
            double ss = 0;
            for (int i = 0; i < hw; i++) {
                double d = in[base + i] - mu;
                ss += d * d;
            }
            float m = (float) mu;
            float rs = (float) (1.0 / Math.sqrt(ss / hw + eps));
            mean[p] = m;
            rstd[p] = rs;
            for (int i = 0; i < hw; i++) {
                out[base + i] = (in[base + i] - m) * rs;
            }
        });
    }

    /** dx = rstd * (dy - mean(dy) - xhat * mean(dy * xhat)), xhat = (x - mean) * rstd. */
    static void instanceNormBackward(float[] dIn, float[] dOut, float[] in, float[] mean, float[] rstd, int planes, int hw) {
        Parallel.forEach(planes, hw, p -> {
            int base = p * hw;
            float m = mean[p], rs = rstd[p];
            double sdy = 0, sdyx = 0;
            for (int i = 0; i < hw; i++) {
                float dy = dOut[base + i];
                sdy += dy;
                sdyx += dy * ((in[base + i] - m) * rs);
            }
            float mdy = (float) (sdy / hw), mdyx = (float) (sdyx / hw);
            for (int i = 0; i < hw; i++) {
                float xhat = (in[base + i] - m) * rs;
                dIn[base + i] = rs * (dOut[base + i] - mdy - xhat * mdyx);
            }
        });
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
