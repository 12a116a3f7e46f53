package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** out = a + b (same shapes). */
public final class Add extends Function {

    private Add() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Shapes.requireSame("add", a, b);
        Backend be = backendOf("add", a, b);
        Tensor out = Tensor.empty(be, a.shape());
        be.add(out.data(), a.data(), b.data(), a.numel());
        return new Add().record(out, a, b);
    }

    @Override
    protected void backward(Buffer gradOut) {
        for (int i = 0; i < 2; i++) {
            if (needsGrad(i)) {
                Tensor in = inputs()[i];
                Buffer g = newGrad(i);
                in.backend().copy(g, gradOut, in.numel());
                accumulate(i, g);
            }
        }
    }
}
