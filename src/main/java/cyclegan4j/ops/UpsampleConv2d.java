package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Nearest 2x upsampling followed by a 3x3, stride-1, zero-pad-1 convolution with bias, as one op:
 * the same values and gradients as {@code conv2d(upsampleNearest(x, 2), weight, bias, 1, 1)},
 * without keeping the upsampled image for the backward pass (the backend may not make it at all).
 */
public final class UpsampleConv2d extends Function {

    private final ConvShape shape;
    private Saved input;
    private Saved weight;

    private UpsampleConv2d(ConvShape shape) {
        this.shape = shape;
    }

    /** @param bias null for no bias */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        Shapes.requireRank("upsampleConv2d", x, 4);
        Shapes.requireRank("upsampleConv2d", weight, 4);
        if (x.dim(1) != weight.dim(1) || weight.dim(2) != 3 || weight.dim(3) != 3) {
            throw new IllegalArgumentException("upsampleConv2d: needs a 3x3 weight with the input's " + x.dim(1)
                    + " channels, got input " + Arrays.toString(x.shape()) + " and weight " + Arrays.toString(weight.shape()));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException("upsampleConv2d: bias " + Arrays.toString(bias.shape())
                    + " does not match weight " + Arrays.toString(weight.shape()));
        }
        Backend be = backendOf("upsampleConv2d", x, weight, bias);
        ConvShape s = new ConvShape(x.dim(0), x.dim(1), 2 * x.dim(2), 2 * x.dim(3), weight.dim(0), 3, 3, 1, 1);
        Tensor out = Tensor.empty(be, s.n(), s.cOut(), s.outH(), s.outW());
        be.upsampleConv2dForward(out.data(), x.data(), weight.data(), bias == null ? null : bias.data(), s);
        UpsampleConv2d fn = new UpsampleConv2d(s);
        fn.input = fn.save(x);
        fn.weight = fn.save(weight);
        return fn.record(out, x, weight, bias);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer dIn = needsGrad(0) ? newGrad(0) : null;
        Buffer dW = needsGrad(1) ? accumulatingGrad(1) : null;
        Buffer dB = needsGrad(2) ? accumulatingGrad(2) : null;
        Tensor x = input.get();
        x.backend().upsampleConv2dBackward(dIn, dW, dB, gradOut, x.data(), weight.get().data(), shape);
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
