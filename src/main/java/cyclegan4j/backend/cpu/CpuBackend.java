package cyclegan4j.backend.cpu;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.MemoryStats;


/**
 * The pure-Java reference backend: plain loops, parallel over planes or chunks on all cores.
 * Spatial ops live in {@link CpuSpatial}, convolution in {@link CpuConv}; this class holds memory,
 * elementwise ops, reductions and the optimizer.
 */
public final class CpuBackend implements Backend {

    private static final CpuBackend INSTANCE = new CpuBackend();

    private final MemoryStats memory = new MemoryStats();
    private final ArrayPool pool = ArrayPool.forBackend();
    private final CpuConv conv = new CpuConv(Gemm.best());

    public static CpuBackend get() {
        return INSTANCE;
    }

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Threads of the backend's parallel loops: every core, or -Dcyclegan4j.cpuThreads (the launcher's CYCLEGAN4J_THREADS). */
    public int threads() {
        return Parallel.THREADS;
    }

    /** Which GEMM the convolutions use (native BLAS or the Java fallback). */
    public String gemmName() {
        return conv.gemm().name();
    }

    static float[] a(Buffer b) {
        return ((CpuBuffer) b).array();
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Buffer allocate(long n) {
        return new CpuBuffer(n, memory, pool);
    }

    @Override
    public void upload(Buffer dst, float[] src) {
        float[] d = a(dst);
        if (d.length != src.length) {
            throw new IllegalArgumentException("upload: " + src.length + " floats into a buffer of " + d.length);
        }
        System.arraycopy(src, 0, d, 0, src.length);
    }

    @Override
    public float[] download(Buffer src) {
        return a(src).clone();
    }

    @Override
    public void copy(Buffer dst, Buffer src, long n) {
        System.arraycopy(a(src), 0, a(dst), 0, (int) n);
    }

    @Override
    public void copyRange(Buffer dst, long dstOffset, Buffer src, long srcOffset, long n) {
        System.arraycopy(a(src), Math.toIntExact(srcOffset), a(dst), Math.toIntExact(dstOffset), Math.toIntExact(n));
    }

    @Override
    public void fill(Buffer dst, float value, long n) {
        java.util.Arrays.fill(a(dst), 0, (int) n, value);
    }

    @Override
    public void zero(Buffer[] dst, long[] n) {
        if (dst.length != n.length) {
            throw new IllegalArgumentException("zero: " + dst.length + " buffers, " + n.length + " lengths");
        }
        for (int k = 0; k < dst.length; k++) {
            fill(dst[k], 0f, n[k]);
        }
    }

    @Override
    public long liveBuffers() {
        return memory.liveBuffers();
    }

    @Override
    public MemoryStats memory() {
        return memory;
    }

    // ---- elementwise --------------------------------------------------------------------------

    @Override
    public void axpy(float alpha, Buffer x, Buffer y, long n) {
        float[] xs = a(x), ys = a(y);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                ys[i] += alpha * xs[i];
            }
        });
    }

    @Override
    public void scale(Buffer out, Buffer in, float alpha, long n) {
        float[] o = a(out), x = a(in);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                o[i] = alpha * x[i];
            }
        });
    }

    @Override
    public void add(Buffer out, Buffer a, Buffer b, long n) {
        float[] o = a(out), x = a(a), y = a(b);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                o[i] = x[i] + y[i];
            }
        });
    }

    @Override
    public void leakyReluForward(Buffer out, Buffer in, float slope, long n) {
        float[] o = a(out), x = a(in);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                o[i] = CpuSpatial.leaky(x[i], slope);
            }
        });
    }

    @Override
    public void leakyReluBackward(Buffer dIn, Buffer dOut, Buffer in, float slope, long n) {
        float[] dx = a(dIn), dy = a(dOut), x = a(in);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                dx[i] = CpuSpatial.leakyGrad(dy[i], x[i], slope);
            }
        });
    }

    @Override
    public void tanhForward(Buffer out, Buffer in, long n) {
        float[] o = a(out), x = a(in);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                o[i] = tanh(x[i]);
            }
        });
    }

    /**
     * tanh through {@code Math.exp}, which the JIT turns into an inlined CPU routine, where
     * {@code Math.tanh} is a native call per value: 11.5 ms for the generator's 3x256x256 output on
     * the 2-vCPU VM, 60 ns a value. Computed in double, so the float result is Math.tanh's to within
     * an ulp; below 2^-12, where 1 - 2/(e^2a + 1) would cancel, a - a^3/3 is exact to the float.
     */
    static float tanh(float x) {
        double a = Math.abs((double) x);
        double t = a < 0x1p-12 ? a - a * a * a / 3 : 1 - 2 / (Math.exp(2 * a) + 1);
        return (float) Math.copySign(t, x);
    }

    @Override
    public void tanhBackward(Buffer dIn, Buffer dOut, Buffer out, long n) {
        float[] dx = a(dIn), dy = a(dOut), y = a(out);
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                dx[i] = dy[i] * (1f - y[i] * y[i]);
            }
        });
    }

    // ---- reductions and losses ------------------------------------------------------------------

    /** Sum of term(i) over [0, n) in double, per fixed chunk then in chunk order (deterministic). */
    private static double sum(long n, Term term) {
        double[] partial = new double[Parallel.chunkCount(n)];
        Parallel.forChunks(n, (c, s, e) -> {
            double acc = 0;
            for (int i = s; i < e; i++) {
                acc += term.at(i);
            }
            partial[c] = acc;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    private interface Term {
        double at(int i);
    }

    @Override
    public void meanForward(Buffer out, Buffer in, long n) {
        float[] x = a(in);
        a(out)[0] = (float) (sum(n, i -> x[i]) / n);
    }

    /** Float sums of 64 squares, added in double, as instance norm sums its planes (no conversion per term). */
    @Override
    public void sumOfSquares(Buffer out, Buffer[] in, long[] n) {
        if (in.length != n.length) {
            throw new IllegalArgumentException("sumOfSquares: " + in.length + " buffers, " + n.length + " lengths");
        }
        float[] o = a(out);
        double total = o[0];
        for (int k = 0; k < in.length; k++) {
            float[] x = a(in[k]);
            double[] partial = new double[Parallel.chunkCount(n[k])];
            Parallel.forChunks(n[k], (c, s, e) -> partial[c] = CpuSpatial.squaredDeviations(x, s, e - s, 0f));
            for (double p : partial) {
                total += p;
            }
        }
        o[0] = (float) total;
    }

    @Override
    public void meanBackward(Buffer dIn, Buffer dOut, long n) {
        fill(dIn, a(dOut)[0] / n, n);
    }

    @Override
    public void mseLossForward(Buffer out, Buffer a, Buffer b, long n) {
        float[] x = a(a), y = a(b);
        a(out)[0] = (float) (sum(n, i -> {
            double d = x[i] - y[i];
            return d * d;
        }) / n);
    }

    @Override
    public void mseLossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        float[] d = a(dA), x = a(a), y = a(b);
        float k = 2f * a(dOut)[0] / n;
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                d[i] = k * (x[i] - y[i]);
            }
        });
    }

    @Override
    public void l1LossForward(Buffer out, Buffer a, Buffer b, long n) {
        float[] x = a(a), y = a(b);
        a(out)[0] = (float) (sum(n, i -> Math.abs(x[i] - y[i])) / n);
    }

    @Override
    public void l1LossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        float[] d = a(dA), x = a(a), y = a(b);
        float k = a(dOut)[0] / n;
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                d[i] = k * Math.signum(x[i] - y[i]);
            }
        });
    }

    // ---- spatial ------------------------------------------------------------------------------

    @Override
    public void reflectionPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        CpuSpatial.reflectionPadForward(a(out), a(in), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void reflectionPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        CpuSpatial.reflectionPadBackward(a(dIn), a(dOut), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void zeroPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        CpuSpatial.zeroPadForward(a(out), a(in), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void zeroPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        CpuSpatial.zeroPadBackward(a(dIn), a(dOut), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void instanceNormForward(Buffer out, Buffer mean, Buffer rstd, Buffer in, int planes, int hw, float eps,
                                    boolean activate, float slope) {
        CpuSpatial.instanceNormForward(a(out), a(mean), a(rstd), a(in), planes, hw, eps, activate, slope);
    }

    @Override
    public void instanceNormBackward(Buffer dIn, Buffer dOut, Buffer in, Buffer mean, Buffer rstd, int planes, int hw,
                                     boolean activate, float slope) {
        CpuSpatial.instanceNormBackward(a(dIn), a(dOut), a(in), a(mean), a(rstd), planes, hw, activate, slope);
    }

    @Override
    public void upsampleNearestForward(Buffer out, Buffer in, int planes, int h, int w, int factor) {
        CpuSpatial.upsampleForward(a(out), a(in), planes, h, w, factor);
    }

    @Override
    public void upsampleNearestBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int factor) {
        CpuSpatial.upsampleBackward(a(dIn), a(dOut), planes, h, w, factor);
    }

    // ---- convolution --------------------------------------------------------------------------

    @Override
    public void conv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        conv.forward(a(out), a(in), a(weight), bias == null ? null : a(bias), s);
    }

    @Override
    public void conv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight, ConvShape s) {
        conv.backward(dIn == null ? null : a(dIn), dWeight == null ? null : a(dWeight), dBias == null ? null : a(dBias),
                a(dOut), in == null ? null : a(in), a(weight), s);
    }

    @Override
    public void channelBiasForward(Buffer out, Buffer bias, int n, int c, int h, int w) {
        float[] o = a(out), b = a(bias);
        int hw = h * w;
        Parallel.forEach(n * c, hw, p -> {
            float v = b[p % c];
            for (int j = p * hw, end = j + hw; j < end; j++) {
                o[j] += v;
            }
        });
    }

    @Override
    public void channelBiasBackward(Buffer dBias, Buffer dOut, int n, int c, int hw) {
        CpuConv.biasGradient(a(dBias), a(dOut), n, c, hw);
    }

    @Override
    public void upsampleConv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        if (!UpsampleConv.pays(s)) {
            Backend.super.upsampleConv2dForward(out, in, weight, bias, s);
            return;
        }
        new UpsampleConv(conv.gemm(), s).forward(a(out), a(in), a(weight), bias == null ? null : a(bias));
    }

    @Override
    public void upsampleConv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight,
                                       ConvShape s) {
        if (!UpsampleConv.pays(s)) {
            Backend.super.upsampleConv2dBackward(dIn, dWeight, dBias, dOut, in, weight, s);
            return;
        }
        if (dIn != null || dWeight != null) {
            new UpsampleConv(conv.gemm(), s).backward(dIn == null ? null : a(dIn), dWeight == null ? null : a(dWeight),
                    a(dOut), a(in), a(weight));
        }
        if (dBias != null) {
            CpuConv.biasGradient(a(dBias), a(dOut), s);
        }
    }

    // ---- optimizer ----------------------------------------------------------------------------

    @Override
    public void adamUpdate(Buffer[] param, Buffer[] grad, Buffer[] m, Buffer[] v, long[] n,
                           float lr, float beta1, float beta2, float eps, int step) {
        if (param.length != n.length || grad.length != n.length || m.length != n.length || v.length != n.length) {
            throw new IllegalArgumentException("adamUpdate: lists of " + param.length + ", " + grad.length + ", " + m.length
                    + ", " + v.length + " buffers for " + n.length + " lengths");
        }
        // Same arithmetic order as torch.optim.Adam (single-tensor, no weight decay).
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int k = 0; k < n.length; k++) {
            adamUpdate(a(param[k]), a(grad[k]), a(m[k]), a(v[k]), n[k], beta1, beta2, eps, stepSize, bc2Sqrt);
        }
    }

    private static void adamUpdate(float[] p, float[] g, float[] ms, float[] vs, long n,
                                   float beta1, float beta2, float eps, float stepSize, float bc2Sqrt) {
        Parallel.forChunks(n, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                float gi = g[i];
                ms[i] += (gi - ms[i]) * (1f - beta1);
                vs[i] = vs[i] * beta2 + (1f - beta2) * gi * gi;
                float denom = (float) Math.sqrt(vs[i]) / bc2Sqrt + eps;
                p[i] -= stepSize * ms[i] / denom;
            }
        });
    }
}
