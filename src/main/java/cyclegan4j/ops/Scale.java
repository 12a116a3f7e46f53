package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** out = alpha * x for a constant alpha (the loss weights and averages). */
public final class Scale extends Function {

    private final float alpha;

    private Scale(float alpha) {
        this.alpha = alpha;
    }

    public static Tensor apply(Tensor x, float alpha) {
        Tensor out = Tensor.empty(x.backend(), x.shape());
        x.backend().scale(out.data(), x.data(), alpha, x.numel());
        return new Scale(alpha).record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Tensor x = inputs()[0];
        Buffer g = newGrad(0);
        x.backend().scale(g, gradOut, alpha, x.numel());
        accumulate(0, g);
    }
}
