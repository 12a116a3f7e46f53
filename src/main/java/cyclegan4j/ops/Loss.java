package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

/** mean((a-b)^2) or mean(|a-b|) as a one-element tensor (PyTorch's MSELoss / L1Loss, reduction 'mean'). */
public final class Loss extends Function {

    public enum Kind { MSE, L1 }

    private final Kind kind;
    private Saved a;
    private Saved b;

    private Loss(Kind kind) {
        this.kind = kind;
    }

    public static Tensor apply(Kind kind, Tensor prediction, Tensor target) {
        String op = kind == Kind.MSE ? "mse_loss" : "l1_loss";
        Shapes.requireSame(op, prediction, target);
        Backend be = backendOf(op, prediction, target);
        Tensor out = Tensor.empty(be, 1);
        if (kind == Kind.MSE) {
            be.mseLossForward(out.data(), prediction.data(), target.data(), prediction.numel());
        } else {
            be.l1LossForward(out.data(), prediction.data(), target.data(), prediction.numel());
        }
        Loss fn = new Loss(kind);
        fn.a = fn.save(prediction);
        fn.b = fn.save(target);
        return fn.record(out, prediction, target);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Tensor pa = a.get(), pb = b.get();
        Backend be = pa.backend();
        long n = pa.numel();
        Buffer dA = Scope.allocate(be, n);
        if (kind == Kind.MSE) {
            be.mseLossBackward(dA, gradOut, pa.data(), pb.data(), n);
        } else {
            be.l1LossBackward(dA, gradOut, pa.data(), pb.data(), n);
        }
        if (needsGrad(1)) { // d/db = -d/da
            Buffer dB = newGrad(1);
            be.scale(dB, dA, -1f, n);
            accumulate(1, dB);
        }
        if (needsGrad(0)) {
            accumulate(0, dA);
        } else {
            dA.close();
        }
    }

    @Override
    protected void release() {
        a = null;
        b = null;
    }
}
