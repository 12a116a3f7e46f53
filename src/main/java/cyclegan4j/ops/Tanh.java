package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** out = tanh(x); the backward pass uses the saved output: dx = dy * (1 - out^2). */
public final class Tanh extends Function {

    private Saved output;

    private Tanh() {
    }

    public static Tensor apply(Tensor x) {
        Tensor out = Tensor.empty(x.backend(), x.shape());
        x.backend().tanhForward(out.data(), x.data(), x.numel());
        Tanh fn = new Tanh();
        fn.output = fn.save(out);
        return fn.record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer g = newGrad(0);
        Tensor out = output.get();
        out.backend().tanhBackward(g, gradOut, out.data(), out.numel());
        accumulate(0, g);
    }

    @Override
    protected void release() {
        output = null;
    }
}
