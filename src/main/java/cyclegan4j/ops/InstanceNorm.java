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
 * {@link #applyLeakyRelu} also applies the LeakyReLU (or ReLU) that follows it in the models, in the
 * same pass: the values and gradients of the two ops, without keeping the output.
 */
public final class InstanceNorm extends Function {

    private Saved input;
    private Buffer mean;
    private Buffer rstd;
    private int planes;
    private int hw;
    private boolean activate;
    private float slope;

    private InstanceNorm() {
    }

    public static Tensor apply(Tensor x, float eps) {
        return apply(x, eps, false, 0f);
    }

    /** LeakyReLU(InstanceNorm(x), slope); slope 0 is ReLU. */
    public static Tensor applyLeakyRelu(Tensor x, float eps, float slope) {
        if (!(slope >= 0)) { // the backward pass takes the sign from xhat, which is the output's only for slope >= 0
            throw new IllegalArgumentException("instance_norm2d + leaky_relu: slope must be >= 0, got " + slope);
        }
        return apply(x, eps, true, slope);
    }

    private static Tensor apply(Tensor x, float eps, boolean activate, float slope) {
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
        fn.activate = activate;
        fn.slope = slope;
        fn.input = fn.save(x);
        Tensor out = Tensor.empty(be, x.shape());
        be.instanceNormForward(out.data(), fn.mean, fn.rstd, x.data(), fn.planes, fn.hw, eps, activate, slope);
        return fn.record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer g = newGrad(0);
        Tensor x = input.get();
        x.backend().instanceNormBackward(g, gradOut, x.data(), mean, rstd, planes, hw, activate, slope);
        accumulate(0, g);
    }

    @Override
    protected void release() {
        mean.close();
        rstd.close();
        input = null;
    }
}
