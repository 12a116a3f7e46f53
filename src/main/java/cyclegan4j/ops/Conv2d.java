package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/** 2-D convolution (cross-correlation, as PyTorch) with square stride, symmetric zero padding and optional bias. */
public final class Conv2d extends Function {

    private final ConvShape shape;
    private Saved input;
    private Saved weight;

    private Conv2d(ConvShape shape) {
        this.shape = shape;
    }

    /** @param bias null for no bias */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int stride, int pad) {
        Shapes.requireRank("conv2d", x, 4);
        Shapes.requireRank("conv2d", weight, 4);
        if (x.dim(1) != weight.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(x.shape()) + " has " + x.dim(1)
                    + " channels but weight " + Arrays.toString(weight.shape()) + " expects " + weight.dim(1));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shape()) + " does not match weight "
                    + Arrays.toString(weight.shape()));
        }
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
        Conv2d fn = new Conv2d(s);
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
        x.backend().conv2dBackward(dIn, dW, dB, gradOut, x.data(), weight.get().data(), shape);
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
