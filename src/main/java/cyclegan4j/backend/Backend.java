package cyclegan4j.backend;

/**
 * The flat primitives every op is built from, implemented once per device (CPU, CUDA).
 *
 * <p>Conventions (see docs/DESIGN.md): all tensors are float32, NCHW and contiguous; sizes are passed
 * explicitly; "planes" means N*C. Activation gradients are written ({@code =}), parameter
 * gradients (conv weight and bias) are accumulated ({@code +=}). Scalar results (losses, means)
 * stay on the device in a buffer of one float so that no primitive has to wait for the device.
 */
public interface Backend {

    String name();

    // ---- memory -------------------------------------------------------------------------------

    /** A new buffer of {@code n} floats; its contents are undefined. */
    Buffer allocate(long n);

    void upload(Buffer dst, float[] src);

    /** Copies the buffer to the host (on a GPU this waits for the queued work). */
    float[] download(Buffer src);

    void copy(Buffer dst, Buffer src, long n);

    /** dst[dstOffset .. dstOffset+n) = src[srcOffset .. srcOffset+n) (one image of a batch, say). */
    void copyRange(Buffer dst, long dstOffset, Buffer src, long srcOffset, long n);

    void fill(Buffer dst, float value, long n);

    /**
     * Sets the first {@code n[k]} floats of every {@code dst[k]} to 0: an optimizer's zero_grad, one
     * call for the whole list, so a GPU can do it in one launch.
     */
    void zero(Buffer[] dst, long[] n);

    /** Buffers allocated and not yet closed; the leak tests watch this. */
    long liveBuffers();

    /** Live and peak bytes of this backend's buffers (on a GPU, those in use, not the pool's cache). */
    MemoryStats memory();

    /**
     * Waits until every queued operation has finished. Never needed for correctness ({@link #download}
     * waits); benchmarks call it so that wall time is device time. The CPU backend runs each call to
     * completion, so there it does nothing.
     */
    default void synchronize() {
    }

    /**
     * For benchmarks on a device with its own allocator: one line with its peaks since the last
     * call (what it handed out, and what it held from the device), then starts new peaks. Null on
     * the CPU, where {@link #memory()} says it all.
     */
    default String takeDevicePeaks() {
        return null;
    }

    // ---- elementwise --------------------------------------------------------------------------

    /** y += alpha * x */
    void axpy(float alpha, Buffer x, Buffer y, long n);

    /** out = alpha * in (out may be in) */
    void scale(Buffer out, Buffer in, float alpha, long n);

    /** out = a + b */
    void add(Buffer out, Buffer a, Buffer b, long n);

    /** out = in > 0 ? in : slope * in (slope 0 is ReLU) */
    void leakyReluForward(Buffer out, Buffer in, float slope, long n);

    /** dIn = in > 0 ? dOut : slope * dOut */
    void leakyReluBackward(Buffer dIn, Buffer dOut, Buffer in, float slope, long n);

    void tanhForward(Buffer out, Buffer in, long n);

    /** dIn = dOut * (1 - out^2), from the forward output */
    void tanhBackward(Buffer dIn, Buffer dOut, Buffer out, long n);

    // ---- reductions and losses (scalar results live in a 1-float buffer) ------------------------

    /** out[0] = mean(in) */
    void meanForward(Buffer out, Buffer in, long n);

    /** dIn[i] = dOut[0] / n */
    void meanBackward(Buffer dIn, Buffer dOut, long n);

    /** out[0] = mean((a - b)^2) */
    void mseLossForward(Buffer out, Buffer a, Buffer b, long n);

    /** dA[i] = dOut[0] * 2 (a - b) / n */
    void mseLossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n);

    /** out[0] = mean(|a - b|) */
    void l1LossForward(Buffer out, Buffer a, Buffer b, long n);

    /** dA[i] = dOut[0] * sign(a - b) / n, with sign(0) = 0 as in PyTorch */
    void l1LossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n);

    /**
     * out[0] += the sum of the squares of the first {@code n[k]} floats of every {@code in[k]}: the
     * squared L2 norm of a network's parameter gradients together, for logging, added like a
     * parameter gradient. One call for the whole list, so a GPU can do it in one pass. Not
     * differentiable.
     */
    void sumOfSquares(Buffer out, Buffer[] in, long[] n);

    // ---- spatial ops, per (n, c) plane ----------------------------------------------------------

    /** out[p][y][x] = in[p][reflect(y - top)][reflect(x - left)]; out is (h+top+bottom) x (w+left+right) */
    void reflectionPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom);

    /** dIn = sum of dOut over every output position that reads each input position */
    void reflectionPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom);

    void zeroPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom);

    void zeroPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom);

    /**
     * out = xhat = (in - mean) * rstd per plane, saving mean and rstd = 1/sqrt(biased var + eps); with
     * {@code activate}, out = LeakyReLU(xhat, slope) (slope 0: ReLU), the activation after an instance
     * norm fused into it: one pass fewer, and nothing but the input kept for the backward pass.
     */
    void instanceNormForward(Buffer out, Buffer mean, Buffer rstd, Buffer in, int planes, int hw, float eps,
                             boolean activate, float slope);

    /** dIn from dOut through the fused activation (if any, its sign from xhat) and the normalisation. */
    void instanceNormBackward(Buffer dIn, Buffer dOut, Buffer in, Buffer mean, Buffer rstd, int planes, int hw,
                              boolean activate, float slope);

    /** Nearest-neighbour upsampling by an integer factor. */
    void upsampleNearestForward(Buffer out, Buffer in, int planes, int h, int w, int factor);

    void upsampleNearestBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int factor);

    // ---- convolution --------------------------------------------------------------------------

    /** out = conv(in, weight) + bias; bias may be null. */
    void conv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s);

    /**
     * dIn = conv_transpose(dOut, weight) (written), dWeight += corr(in, dOut), dBias += sum(dOut).
     * Any of dIn, dWeight, dBias may be null when that gradient is not needed; {@code in} may be
     * null when dWeight is (a transposed convolution's forward pass has no such input).
     */
    void conv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight, ConvShape s);

    /** out[i][c][y][x] += bias[c] for the n images of c planes of h x w (a transposed convolution's bias). */
    void channelBiasForward(Buffer out, Buffer bias, int n, int c, int h, int w);

    /** dBias[c] += the sum of dOut[i][c][j] over the n images and hw positions (accumulates). */
    void channelBiasBackward(Buffer dBias, Buffer dOut, int n, int c, int hw);

    /**
     * out = conv(upsampleNearest(in, 2), weight) + bias (bias may be null) for a 3x3, stride-1,
     * pad-1 convolution; {@code s} describes the convolution on the upsampled input, so in has
     * half its height and width. The generator's u128 and u64 layers. By default: upsample into a
     * temporary buffer and convolve.
     */
    default void upsampleConv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        try (Buffer up = allocate((long) s.n() * s.cIn() * s.h() * s.w())) {
            upsampleNearestForward(up, in, s.n() * s.cIn(), s.h() / 2, s.w() / 2, 2);
            conv2dForward(out, up, weight, bias, s);
        }
    }

    /**
     * The gradients of {@link #upsampleConv2dForward}, as {@link #conv2dBackward} states them. By
     * default: upsample again (the upsampled input is not kept between the passes), then the
     * convolution's and the upsampling's backward passes.
     */
    default void upsampleConv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight,
                                        ConvShape s) {
        long n = (long) s.n() * s.cIn() * s.h() * s.w();
        try (Buffer up = allocate(n); Buffer dUp = dIn != null ? allocate(n) : null) {
            upsampleNearestForward(up, in, s.n() * s.cIn(), s.h() / 2, s.w() / 2, 2);
            conv2dBackward(dUp, dWeight, dBias, dOut, up, weight, s);
            if (dIn != null) {
                upsampleNearestBackward(dIn, dUp, s.n() * s.cIn(), s.h() / 2, s.w() / 2, 2);
            }
        }
    }

    // ---- optimizer ----------------------------------------------------------------------------

    /**
     * One Adam step as torch.optim.Adam (weight decay 0) for all of an optimizer's parameters: for
     * every k, over the first {@code n[k]} floats of param[k], grad[k], m[k] and v[k]:
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
     * One call for the list, so a GPU can update every parameter in one launch.
     */
    void adamUpdate(Buffer[] param, Buffer[] grad, Buffer[] m, Buffer[] v, long[] n,
                    float lr, float beta1, float beta2, float eps, int step);
}
