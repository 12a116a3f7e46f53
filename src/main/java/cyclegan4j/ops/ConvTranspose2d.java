package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D transposed ("fractionally strided") convolution, as PyTorch's ConvTranspose2d: the paper's
 * u128 and u64 layers in the CycleGAN authors' generator. It is the adjoint of the convolution C
 * that maps its output back to its input, so each pass is one of C's: forward = C's input gradient,
 * input gradient = C's forward pass, weight gradient = C's weight gradient with the roles of input
 * and output gradient swapped. The weight [cIn, cOut, k, k] is C's weight as it stands (C maps cOut
 * channels to cIn). Output size (h - 1) * stride - 2 * pad + k + outputPadding; outputPadding &lt;
 * stride adds rows and columns at the bottom and right that C reads only partly.
 */
public final class ConvTranspose2d extends Function {

    private final ConvShape shape; // C: from this op's output back to its input
    private Saved input;
    private Saved weight;

    private ConvTranspose2d(ConvShape shape) {
        this.shape = shape;
    }

    /** @param bias null for no bias */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int stride, int pad, int outputPadding) {
        Shapes.requireRank("convTranspose2d", x, 4);
        Shapes.requireRank("convTranspose2d", weight, 4);
        if (x.dim(1) != weight.dim(0)) {
            throw new IllegalArgumentException("convTranspose2d: input " + Arrays.toString(x.shape()) + " has " + x.dim(1)
                    + " channels but weight " + Arrays.toString(weight.shape()) + " expects " + weight.dim(0));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(1))) {
            throw new IllegalArgumentException("convTranspose2d: bias " + Arrays.toString(bias.shape()) + " does not match weight "
                    + Arrays.toString(weight.shape()));
        }
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("convTranspose2d: output padding " + outputPadding + " must be in [0, stride "
                    + stride + ")");
        }
        Backend be = backendOf("convTranspose2d", x, weight, bias);
        int kh = weight.dim(2), kw = weight.dim(3);
        int oh = (x.dim(2) - 1) * stride - 2 * pad + kh + outputPadding, ow = (x.dim(3) - 1) * stride - 2 * pad + kw + outputPadding;
        ConvShape s;
        try {
            s = new ConvShape(x.dim(0), weight.dim(1), oh, ow, weight.dim(0), kh, kw, stride, pad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("convTranspose2d: " + e.getMessage() + " (input " + Arrays.toString(x.shape())
                    + ", weight " + Arrays.toString(weight.shape()) + ")", e);
        }
        Tensor out = Tensor.empty(be, s.n(), s.cIn(), oh, ow);
        be.conv2dBackward(out.data(), null, null, x.data(), null, weight.data(), s);
        if (bias != null) {
            be.channelBiasForward(out.data(), bias.data(), s.n(), s.cIn(), oh, ow);
        }
        ConvTranspose2d f = new ConvTranspose2d(s);
        f.input = f.save(x);
        f.weight = f.save(weight);
        return f.record(out, x, weight, bias);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Tensor x = input.get(), w = weight.get();
        Backend be = x.backend();
        if (needsGrad(0)) {
            Buffer dIn = newGrad(0);
            be.conv2dForward(dIn, gradOut, w.data(), null, shape);
            accumulate(0, dIn);
        }
        if (needsGrad(1)) { // dW += C's weight gradient for input gradOut and output gradient x
            be.conv2dBackward(null, accumulatingGrad(1), null, x.data(), gradOut, w.data(), shape);
        }
        if (needsGrad(2)) {
            be.channelBiasBackward(accumulatingGrad(2), gradOut, shape.n(), shape.cIn(), shape.h() * shape.w());
        }
    }

    @Override
    protected void release() {
        input = null;
        weight = null;
    }
}
