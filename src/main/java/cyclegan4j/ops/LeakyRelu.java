package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/**
 * out = x > 0 ? x : slope * x; slope 0 is ReLU. The backward pass needs only the sign of x, which
 * for slope >= 0 is also the sign of out, so the op keeps whichever of the two it did not destroy:
 * x when it writes a new tensor, out when it runs in place.
 */
public final class LeakyRelu extends Function {

    private final float slope;
    private Saved signSource;

    private LeakyRelu(float slope) {
        this.slope = slope;
    }

    public static Tensor apply(Tensor x, float slope) {
        Tensor out = Tensor.empty(x.backend(), x.shape());
        x.backend().leakyReluForward(out.data(), x.data(), slope, x.numel());
        LeakyRelu fn = new LeakyRelu(slope);
        fn.signSource = fn.save(x);
        return fn.record(out, x);
    }

    /**
     * The same, written over x's storage (PyTorch's {@code inplace=True}): saves one activation of
     * memory where x is needed by nothing else, e.g. after an instance norm or a convolution, whose
     * backward passes do not read their output. A later backward that saved x fails (version check).
     */
    public static Tensor applyInPlace(Tensor x, float slope) {
        if (!(slope >= 0)) {
            throw new IllegalArgumentException("leaky_relu_: in place needs a slope >= 0 (the output must keep the input's sign), got " + slope);
        }
        if (x.isLeaf() && x.requiresGrad()) {
            throw new IllegalArgumentException("leaky_relu_: a leaf that requires grad cannot be overwritten in place");
        }
        x.backend().leakyReluForward(x.data(), x.data(), slope, x.numel());
        Tensor out = x.overwritten();
        LeakyRelu fn = new LeakyRelu(slope);
        fn.signSource = fn.save(out);
        return fn.record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Tensor s = signSource.get();
        Buffer g = newGrad(0);
        s.backend().leakyReluBackward(g, gradOut, s.data(), slope, s.numel());
        accumulate(0, g);
    }

    @Override
    protected void release() {
        signSource = null;
    }
}
