package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

/**
 * Instance normalisation without affine parameters or running statistics (PyTorch's
 * InstanceNorm2d defaults): each (n, c) plane is shifted to mean 0 and scaled by
 * 1/sqrt(biased variance + eps). The mean and inverse std are saved for the backward pass.
 */
public final class InstanceNorm extends Function {

    private Saved input;
    private Buffer mean;
    private Buffer rstd;
    private int planes;
    private int hw;

    private InstanceNorm() {
    }

    public static Tensor apply(Tensor x, float eps) {
        Shapes.requireRank("instance_norm2d", x, 4);
        if (x.dim(2) * x.dim(3) < 2) { // as PyTorch in training: a 1x1 plane normalises to 0 with no gradient
            throw new IllegalArgumentException("instance_norm2d: expected more than one value per plane, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        Backend be = x.backend();
        InstanceNorm fn = new InstanceNorm();
        fn.planes = x.dim(0) * x.dim(1);
        fn.hw = x.dim(2) * x.dim(3);
        fn.mean = Scope.allocate(be, fn.planes);
        fn.rstd = Scope.allocate(be, fn.planes);
        fn.input = fn.save(x);
        Tensor out = Tensor.empty(be, x.shape());
        be.instanceNormForward(out.data(), fn.mean, fn.rstd, x.data(), fn.planes, fn.hw, eps);
        return fn.record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer g = newGrad(0);
        Tensor x = input.get();
        x.backend().instanceNormBackward(g, gradOut, x.data(), mean, rstd, planes, hw);
        accumulate(0, g);
    }

    @Override
    protected void release() {
        mean.close();
        rstd.close();
        input = null;
    }
}
