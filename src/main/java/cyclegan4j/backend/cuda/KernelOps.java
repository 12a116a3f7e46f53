package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;

/**
 * The Backend primitives that are one or two PTX kernel launches: which kernel, which launch shape
 * and which argument list. Buffers are passed through untouched to a {@link Launcher}: on the GPU
 * that is {@link Kernel#launch} on the backend's stream; the tests also run these exact launches
 * through a host emulation of the kernels (KernelEmulationTest), so the launch shapes, the argument
 * lists and the kernels' index arithmetic are checked against the CPU reference without a GPU.
 */
final class KernelOps {

    /** Enqueues one kernel with a 1-D grid. */
    interface Launcher {
        void launch(KernelSpec kernel, int grid, int block, Object... args);
    }

    static final int THREADS = 256;
    static final int MAX_GRID = 8192;
    /**
     * Most blocks in the first pass of a reduction (= floats in the partial-sum scratch buffer), and
     * in a chunk-table launch: 1024 x 256 threads fill an H100.
     */
    static final int MAX_PARTIALS = 1024;

    private final Launcher launcher;
    private final Object partials; // MAX_PARTIALS floats of device scratch, reused by every reduction

    KernelOps(Launcher launcher, Object partials) {
        this.launcher = launcher;
        this.partials = partials;
    }

    /** Grid of an elementwise (grid-stride) kernel: one thread per element, capped. */
    static int grid(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, MAX_GRID));
    }

    /** Grid of the first pass of a reduction: from n alone, so results are deterministic. */
    static int partialGrid(long n) {
        return (int) Math.max(1, Math.min((n + 2047) / 2048, MAX_PARTIALS));
    }

    /**
     * Instance norm with the plane held in registers where it fits ({@code instance_norm_*_regs}:
     * one read of the plane instead of three forward, two backward); {@code
     * -Dcyclegan4j.cuda.normInRegisters=false} keeps the streaming kernels everywhere (gpu-check.sh
     * times both).
     */
    static final boolean NORM_IN_REGISTERS = !"false".equalsIgnoreCase(System.getProperty("cyclegan4j.cuda.normInRegisters"));
    /** float4 per thread in the register kernels (CG_NORM_REG_FLOAT4 in instance_norm.cu). */
    static final int NORM_REG_FLOAT4 = 4;

    /**
     * Threads for the register kernels of a plane of hw floats (a multiple of 32 that holds the plane
     * in NORM_REG_FLOAT4 float4 per thread), or 0 where they do not apply: hw not a multiple of 4
     * (float4 loads), or a plane of more than 16,384 floats.
     */
    static int registerNormThreads(long hw) {
        long float4s = hw / 4, threads = (float4s + NORM_REG_FLOAT4 - 1) / NORM_REG_FLOAT4;
        if (!NORM_IN_REGISTERS || hw % 4 != 0 || threads > 1024) {
            return 0;
        }
        return (int) Math.max(32, (threads + 31) / 32 * 32);
    }

    /** Threads for the one-block-per-plane kernels (a multiple of 32, at most 1024). */
    static int planeThreads(long hw) {
        return hw >= 16384 ? 1024 : hw >= 2048 ? 512 : 128;
    }

    private void elementwise(KernelSpec k, long n, Object... args) {
        if (n > 0) {
            launcher.launch(k, grid(n), THREADS, args);
        }
    }

    /** A kernel with one warp per row of its planes (CG_WARP_ROWS in common.cuh). */
    private void rowwise(KernelSpec k, long rows, Object... args) {
        if (rows > 0) {
            launcher.launch(k, grid(rows * 32), THREADS, args);
        }
    }

    // ---- elementwise --------------------------------------------------------------------------

    void axpy(float alpha, Buffer x, Buffer y, long n) {
        elementwise(KernelSpec.AXPY, n, alpha, x, y, n);
    }

    void scale(Buffer out, Buffer in, float alpha, long n) {
        elementwise(KernelSpec.SCALE, n, out, in, alpha, n);
    }

    void add(Buffer out, Buffer a, Buffer b, long n) {
        elementwise(KernelSpec.ADD, n, out, a, b, n);
    }

    void leakyReluForward(Buffer out, Buffer in, float slope, long n) {
        elementwise(KernelSpec.LEAKY_RELU_FORWARD, n, out, in, slope, n);
    }

    void leakyReluBackward(Buffer dIn, Buffer dOut, Buffer in, float slope, long n) {
        elementwise(KernelSpec.LEAKY_RELU_BACKWARD, n, dIn, dOut, in, slope, n);
    }

    void tanhForward(Buffer out, Buffer in, long n) {
        elementwise(KernelSpec.TANH_FORWARD, n, out, in, n);
    }

    void tanhBackward(Buffer dIn, Buffer dOut, Buffer out, long n) {
        elementwise(KernelSpec.TANH_BACKWARD, n, dIn, dOut, out, n);
    }

    // ---- reductions and losses ------------------------------------------------------------------

    /** Two passes: per-block partial sums into the scratch buffer, then one block of 1024 finishes. */
    private void reduce(KernelSpec partial, KernelSpec finish, Buffer out, long n, Object... inputs) {
        if (n <= 0) {
            throw new IllegalArgumentException("cuda: reduction over an empty tensor");
        }
        int g = partialGrid(n);
        Object[] args = new Object[inputs.length + 2];
        args[0] = partials;
        System.arraycopy(inputs, 0, args, 1, inputs.length);
        args[args.length - 1] = n;
        launcher.launch(partial, g, THREADS, args);
        launcher.launch(finish, 1, 1024, out, partials, g, n);
    }

    void meanForward(Buffer out, Buffer in, long n) {
        reduce(KernelSpec.MEAN_PARTIAL, KernelSpec.MEAN_FINISH, out, n, in);
    }

    void meanBackward(Buffer dIn, Buffer dOut, long n) {
        elementwise(KernelSpec.MEAN_BACKWARD, n, dIn, dOut, n);
    }

    /** Zeroes every chunk of a {@link ChunkTable} (width 1) on the device with {@code chunks} entries. */
    void zero(Object table, int chunks) {
        if (chunks > 0) {
            launcher.launch(KernelSpec.ZERO_CHUNKS, Math.min(chunks, MAX_PARTIALS), THREADS, table, chunks);
        }
    }

    /**
     * out[0] += the sum of the squares of every chunk of a {@link ChunkTable} (on the device, with
     * {@code chunks} entries): per-block partial sums, then a finishing block that adds.
     */
    void sumOfSquares(Buffer out, Object table, int chunks) {
        if (chunks <= 0) {
            return; // adds nothing
        }
        int g = Math.min(chunks, MAX_PARTIALS);
        launcher.launch(KernelSpec.SUMSQ_CHUNKS_PARTIAL, g, THREADS, partials, table, chunks);
        launcher.launch(KernelSpec.SUM_ACCUMULATE, 1, 1024, out, partials, g);
    }

    void mseLossForward(Buffer out, Buffer a, Buffer b, long n) {
        reduce(KernelSpec.MSE_PARTIAL, KernelSpec.LOSS_FINISH, out, n, a, b);
    }

    void mseLossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        elementwise(KernelSpec.MSE_BACKWARD, n, dA, dOut, a, b, n);
    }

    void l1LossForward(Buffer out, Buffer a, Buffer b, long n) {
        reduce(KernelSpec.L1_PARTIAL, KernelSpec.LOSS_FINISH, out, n, a, b);
    }

    void l1LossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        elementwise(KernelSpec.L1_BACKWARD, n, dA, dOut, a, b, n);
    }

    // ---- spatial ------------------------------------------------------------------------------

    void reflectionPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        rowwise(KernelSpec.REFLECTION_PAD_FORWARD, (long) planes * (h + top + bottom), out, in, planes, h, w, left, right, top, bottom);
    }

    void reflectionPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        rowwise(KernelSpec.REFLECTION_PAD_BACKWARD, (long) planes * h, dIn, dOut, planes, h, w, left, right, top, bottom);
    }

    void zeroPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        rowwise(KernelSpec.ZERO_PAD_FORWARD, (long) planes * (h + top + bottom), out, in, planes, h, w, left, right, top, bottom);
    }

    void zeroPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        rowwise(KernelSpec.ZERO_PAD_BACKWARD, (long) planes * h, dIn, dOut, planes, h, w, left, right, top, bottom);
    }

    void instanceNormForward(Buffer out, Buffer mean, Buffer rstd, Buffer in, int planes, int hw, float eps,
                             boolean activate, float slope) {
        int regs = registerNormThreads(hw);
        launcher.launch(regs > 0 ? KernelSpec.INSTANCE_NORM_FORWARD_REGS : KernelSpec.INSTANCE_NORM_FORWARD, planes,
                regs > 0 ? regs : planeThreads(hw), out, mean, rstd, in, planes, hw, eps, activate ? 1 : 0, slope);
    }

    void instanceNormBackward(Buffer dIn, Buffer dOut, Buffer in, Buffer mean, Buffer rstd, int planes, int hw,
                              boolean activate, float slope) {
        int regs = registerNormThreads(hw);
        launcher.launch(regs > 0 ? KernelSpec.INSTANCE_NORM_BACKWARD_REGS : KernelSpec.INSTANCE_NORM_BACKWARD, planes,
                regs > 0 ? regs : planeThreads(hw), dIn, dOut, in, mean, rstd, planes, hw, activate ? 1 : 0, slope);
    }

    void upsampleNearestForward(Buffer out, Buffer in, int planes, int h, int w, int factor) {
        rowwise(KernelSpec.UPSAMPLE_NEAREST_FORWARD, (long) planes * h * factor, out, in, planes, h, w, factor);
    }

    void upsampleNearestBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int factor) {
        rowwise(KernelSpec.UPSAMPLE_NEAREST_BACKWARD, (long) planes * h, dIn, dOut, planes, h, w, factor);
    }

    // ---- convolution bias (cuDNN does the convolution itself) -----------------------------------

    /** out[n][c][j] += bias[c] */
    void convBiasForward(Buffer out, Buffer bias, ConvShape s) {
        channelBiasForward(out, bias, s.n(), s.cOut(), s.outH(), s.outW());
    }

    /** out[i][c][y][x] += bias[c] over n images of c planes of h x w */
    void channelBiasForward(Buffer out, Buffer bias, int n, int c, int h, int w) {
        long planes = (long) n * c;
        rowwise(KernelSpec.CONV_BIAS_FORWARD, planes * h, out, bias, c, h, w, planes);
    }

    /** dBias[c] += sum over n, j of dOut[n][c][j] (one block per channel) */
    void convBiasBackward(Buffer dBias, Buffer dOut, ConvShape s) {
        channelBiasBackward(dBias, dOut, s.n(), s.cOut(), (long) s.outH() * s.outW());
    }

    /** dBias[c] += sum over i, j of dOut[i][c][j] for n images of c planes of hw values (one block per channel) */
    void channelBiasBackward(Buffer dBias, Buffer dOut, int n, int c, long hw) {
        launcher.launch(KernelSpec.CONV_BIAS_BACKWARD, c, planeThreads(hw * n), dBias, dOut, n, c, hw);
    }

    // ---- the phase form of upsampling + 3x3 convolution (kernels/upsample_conv.cu) -------------

    /** The four stacked 2x2 phase kernels [4][cOut][cIn][2][2] of the 3x3 kernels w[cOut][cIn][3][3]. */
    void upconvPhaseWeights(Buffer wp, Buffer w, long pairs) {
        elementwise(KernelSpec.UPCONV_PHASE_WEIGHTS, pairs, wp, w, pairs);
    }

    /** dw[cOut][cIn][3][3] += the phase kernels' gradient dwp folded back onto the 3x3 taps. */
    void upconvFoldGrad(Buffer dw, Buffer dwp, long pairs) {
        elementwise(KernelSpec.UPCONV_FOLD_GRAD, pairs, dw, dwp, pairs);
    }

    /** out (n x cOut x 2h x 2w) = the phases (n x 4cOut x (h+1) x (w+1)) interleaved, plus bias (may be null). */
    void upconvInterleave(Buffer out, Buffer phases, Buffer bias, int n, int cOut, int h, int w) {
        long planes = (long) n * cOut;
        rowwise(KernelSpec.UPCONV_INTERLEAVE, planes * 2 * h, out, phases, bias != null ? bias : phases, bias != null ? 1 : 0,
                cOut, h, w, planes);
    }

    /** dPhases (n x 4cOut x (h+1) x (w+1), written) from dOut (n x cOut x 2h x 2w). */
    void upconvDeinterleave(Buffer dPhases, Buffer dOut, int n, int cOut, int h, int w) {
        rowwise(KernelSpec.UPCONV_DEINTERLEAVE, (long) n * 4 * cOut * (h + 1), dPhases, dOut, cOut, h, w, (long) n);
    }

    // ---- optimizer ----------------------------------------------------------------------------

    /**
     * One Adam step over a {@link ChunkTable} of (parameter, gradient, m, v) groups on the device,
     * with {@code chunks} entries. Bias corrections on the host, rounded exactly as
     * CpuBackend.adamUpdate does; the rest fused on the device.
     */
    void adamUpdate(Object table, int chunks, float lr, float beta1, float beta2, float eps, int step) {
        if (chunks <= 0) {
            return;
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        launcher.launch(KernelSpec.ADAM_UPDATE_CHUNKS, Math.min(chunks, MAX_PARTIALS), THREADS, table, chunks,
                1f - beta1, beta2, 1f - beta2, stepSize, bc2Sqrt, eps);
    }
}
