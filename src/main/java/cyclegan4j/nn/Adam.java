package cyclegan4j.nn;

import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * torch.optim.Adam without weight decay or amsgrad: bias-corrected first and second moments, eps
 * added after the square root. The moment buffers are allocated once, outside any scope.
 */
public final class Adam implements AutoCloseable {

    private final List<Tensor> params;
    private final List<Buffer> m = new ArrayList<>();
    private final List<Buffer> v = new ArrayList<>();
    private final float beta1, beta2, eps;
    private float lr;
    private int step;

    public Adam(List<Tensor> params, float lr, float beta1, float beta2) {
        this(params, lr, beta1, beta2, 1e-8f);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException("Adam: invalid lr=" + lr + " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps);
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        try (Scope ignored = Scope.unowned()) {
            for (Tensor p : this.params) {
                if (p.grad() == null) {
                    throw new IllegalArgumentException("Adam: parameter " + p + " has no gradient buffer");
                }
                m.add(zeros(p));
                v.add(zeros(p));
            }
        }
    }

    private static Buffer zeros(Tensor p) {
        Buffer b = Scope.allocate(p.backend(), p.numel());
        p.backend().fill(b, 0f, p.numel());
        return b;
    }

    /** Applies one update from the current gradients: one backend call for all the parameters. */
    public void step() {
        step++;
        if (params.isEmpty()) {
            return;
        }
        Buffer[] data = params.stream().map(Tensor::data).toArray(Buffer[]::new);
        params.get(0).backend().adamUpdate(data, gradients(), m.toArray(new Buffer[0]), v.toArray(new Buffer[0]), sizes(),
                lr, beta1, beta2, eps, step);
    }

    /** Sets every gradient to zero: one backend call for all of them. */
    public void zeroGrad() {
        if (!params.isEmpty()) {
            params.get(0).backend().zero(gradients(), sizes());
        }
    }

    /** The parameters' gradient buffers, in {@link #parameters()} order. */
    public Buffer[] gradients() {
        return params.stream().map(Tensor::grad).toArray(Buffer[]::new);
    }

    /** The parameters' sizes in floats, in {@link #parameters()} order. */
    public long[] sizes() {
        return params.stream().mapToLong(Tensor::numel).toArray();
    }

    /** The parameters this optimizer updates, in its order. */
    public List<Tensor> parameters() {
        return params;
    }

    public float lr() {
        return lr;
    }

    public void setLr(float lr) {
        this.lr = lr;
    }

    /** Number of steps taken (PyTorch's state['step']). */
    public int stepCount() {
        return step;
    }

    /** Restores the step count (when loading a checkpoint). */
    public void setStepCount(int step) {
        this.step = step;
    }

    public List<Tensor> params() {
        return params;
    }

    /** First-moment buffer of parameter i (exp_avg). */
    public Buffer expAvg(int i) {
        return m.get(i);
    }

    /** Second-moment buffer of parameter i (exp_avg_sq). */
    public Buffer expAvgSq(int i) {
        return v.get(i);
    }

    @Override
    public void close() {
        m.forEach(Buffer::close);
        v.forEach(Buffer::close);
    }
}
