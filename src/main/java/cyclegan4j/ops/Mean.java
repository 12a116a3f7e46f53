package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** The mean of all elements, as a one-element tensor of shape [1]. */
public final class Mean extends Function {

    private Mean() {
    }

    public static Tensor apply(Tensor x) {
        Tensor out = Tensor.empty(x.backend(), 1);
        x.backend().meanForward(out.data(), x.data(), x.numel());
        return new Mean().record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Tensor x = inputs()[0];
        Buffer g = newGrad(0);
        x.backend().meanBackward(g, gradOut, x.numel());
        accumulate(0, g);
    }
}
