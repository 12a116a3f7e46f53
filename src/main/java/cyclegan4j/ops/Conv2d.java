package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as PyTorch) with square stride, symmetric zero padding and
 * optional bias; or, from {@link #applyUpsampled}, a 3x3 one of the input upsampled 2x (nearest)
 * first, as one op that keeps only the small input for its backward pass.
 */
public final class Conv2d extends Function {

    private final ConvShape shape;
    private final boolean upsampled;
    private Saved input;
    private Saved weight;

    private Conv2d(ConvShape shape, boolean upsampled) {
        this.shape = shape;
        this.upsampled = upsampled;
    }

    /** Whether this convolution reads its input upsampled 2x ({@link #applyUpsampled}). */
    public boolean upsamplesInput() {
        return upsampled;
    }

    /** @param bias null for no bias */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int stride, int pad) {
        Shapes.requireRank("conv2d", x, 4);
        Shapes.requireRank("conv2d", weight, 4);
        if (x.dim(1) != weight.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(x.shape()) + " has " + x.dim(1)
                    + " channels but weight " + Arrays.toString(weight.shape()) + " expects " + weight.dim(1));
        }
        requireBias("conv2d", bias, weight);
        Backend be = backendOf("conv2d", x, weight, bias);
        ConvShape s;
        try {
            s = new ConvShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), weight.dim(0), weight.dim(2), weight.dim(3), stride, pad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (input " + Arrays.toString(x.shape()) + ", weight "
                    + Arrays.toString(weight.shape()) + ")", e);
        }
        Tensor out = Tensor.empty(be, s.n(), s.cOut(), s.outH(), s.outW());
        be.conv2dForward(out.data(), x.data(), weight.data(), bias == null ? null : bias.data(), s);
        return new Conv2d(s, false).saveAndRecord(out, x, weight, bias);
    }

    /** conv2d(upsampleNearest(x, 2), weight, bias, 1, 1) for a 3x3 weight: the decoder's layers. */
    public static Tensor applyUpsampled(Tensor x, Tensor weight, Tensor bias) {
        Shapes.requireRank("upsampleConv2d", x, 4);
        Shapes.requireRank("upsampleConv2d", weight, 4);
        if (x.dim(1) != weight.dim(1) || weight.dim(2) != 3 || weight.dim(3) != 3) {
            throw new IllegalArgumentException("upsampleConv2d: needs a 3x3 weight with the input's " + x.dim(1)
                    + " channels, got input " + Arrays.toString(x.shape()) + " and weight " + Arrays.toString(weight.shape()));
        }
        requireBias("upsampleConv2d", bias, weight);
        Backend be = backendOf("upsampleConv2d", x, weight, bias);
        ConvShape s = new ConvShape(x.dim(0), x.dim(1), 2 * x.dim(2), 2 * x.dim(3), weight.dim(0), 3, 3, 1, 1);
        Tensor out = Tensor.empty(be, s.n(), s.cOut(), s.outH(), s.outW());
        be.upsampleConv2dForward(out.data(), x.data(), weight.data(), bias == null ? null : bias.data(), s);
        return new Conv2d(s, true).saveAndRecord(out, x, weight, bias);
    }

    /** A bias, when there is one, has one value per output channel of the weight. */
    private static void requireBias(String op, Tensor bias, Tensor weight) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException(op + ": bias " + Arrays.toString(bias.shape()) + " does not match weight "
                    + Arrays.toString(weight.shape()));
        }
    }

    /** Keeps x and the weight for the backward pass and records the op. */
    private Tensor saveAndRecord(Tensor out, Tensor x, Tensor weight, Tensor bias) {
        input = save(x);
        this.weight = save(weight);
        return record(out, x, weight, bias);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer dIn = needsGrad(0) ? newGrad(0) : null;
        Buffer dW = needsGrad(1) ? accumulatingGrad(1) : null;
        Buffer dB = needsGrad(2) ? accumulatingGrad(2) : null;
        Tensor x = input.get();
        if (upsampled) {
            x.backend().upsampleConv2dBackward(dIn, dW, dB, gradOut, x.data(), weight.get().data(), shape);
        } else {
            x.backend().conv2dBackward(dIn, dW, dB, gradOut, x.data(), weight.get().data(), shape);
        }
        if (dIn != null) {
            accumulate(0, dIn);
        }
    }

    @Override
    protected void release() {
        input = null;
        weight = null;
    }
}
