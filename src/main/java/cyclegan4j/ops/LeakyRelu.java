package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** out = x > 0 ? x : slope * x; slope 0 is ReLU. */
public final class LeakyRelu extends Function {

    private final float slope;
    private Tensor input;

    private LeakyRelu(float slope) {
        this.slope = slope;
    }

    public static Tensor apply(Tensor x, float slope) {
        Tensor out = Tensor.empty(x.backend(), x.shape());
        x.backend().leakyReluForward(out.data(), x.data(), slope, x.numel());
        LeakyRelu fn = new LeakyRelu(slope);
        fn.input = x;
        return fn.record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer g = newGrad(0);
        input.backend().leakyReluBackward(g, gradOut, input.data(), slope, input.numel());
        accumulate(0, g);
    }

    @Override
    protected void release() {
        input = null;
    }
}
