package cyclegan4j.tensor;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A float32 tensor in NCHW order, always contiguous, stored in one {@link Buffer} of its backend.
 *
 * <p>A tensor that requires grad and has no {@link #gradFn()} is a leaf (a parameter or an
 * input); its gradient is kept after {@link #backward()}. Gradients of intermediate tensors are
 * freed as soon as the backward pass has consumed them.
 */
public class Tensor implements AutoCloseable {

    private final Backend backend;
    private final int[] shape;
    private final long numel;
    private final Buffer data;
    private final Storage storage;
    private Buffer grad;
    private boolean requiresGrad;
    private Function gradFn;

    /** What every tensor over one buffer shares (detach() and in-place results share the buffer). */
    private static final class Storage {
        int version; // in-place writes so far
        int savedBy; // graph nodes that keep the values for their backward pass
    }

    /** Wraps an existing buffer (which must hold exactly the shape's number of floats). */
    public Tensor(Backend backend, Buffer data, int... shape) {
        this(backend, data, new Storage(), shape);
    }

    private Tensor(Backend backend, Buffer data, Storage storage, int... shape) {
        this.storage = storage;
        this.backend = backend;
        this.shape = shape.clone();
        this.numel = numel(shape);
        if (data.size() != numel) {
            throw new IllegalArgumentException("tensor: buffer of " + data.size() + " floats for shape "
                    + Arrays.toString(shape));
        }
        this.data = data;
    }

    // ---- factories ----------------------------------------------------------------------------

    /** An uninitialised tensor owned by the current scope. */
    public static Tensor empty(Backend backend, int... shape) {
        return new Tensor(backend, Scope.allocate(backend, numel(shape)), shape);
    }

    public static Tensor full(Backend backend, float value, int... shape) {
        Tensor t = empty(backend, shape);
        backend.fill(t.data, value, t.numel);
        return t;
    }

    public static Tensor zeros(Backend backend, int... shape) {
        return full(backend, 0f, shape);
    }

    public static Tensor of(Backend backend, float[] values, int... shape) {
        if (values.length != numel(shape)) {
            throw new IllegalArgumentException("tensor: " + values.length + " values for shape " + Arrays.toString(shape));
        }
        Tensor t = empty(backend, shape);
        backend.upload(t.data, values);
        return t;
    }

    /** Standard normal values times {@code std}, from a seeded generator. */
    public static Tensor randn(Backend backend, SplittableRandom rng, float std, int... shape) {
        float[] v = new float[Math.toIntExact(numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian(rng) * std);
        }
        return of(backend, v, shape);
    }

    /** A standard normal sample (Box-Muller; SplittableRandom has no nextGaussian on Java 17). */
    public static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * A leaf that requires grad with a zeroed gradient buffer, allocated outside any scope:
     * parameters live for the whole run and are freed by {@link #close()}.
     */
    public static Tensor parameter(Backend backend, float[] values, int... shape) {
        try (Scope ignored = Scope.unowned()) {
            Tensor t = of(backend, values, shape);
            t.requiresGrad = true;
            t.grad = Scope.allocate(backend, t.numel);
            backend.fill(t.grad, 0f, t.numel);
            return t;
        }
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor: non-positive dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    // ---- accessors ----------------------------------------------------------------------------

    public Backend backend() {
        return backend;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return numel;
    }

    public Buffer data() {
        return data;
    }

    public Buffer grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public Function gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Marks a leaf as needing a gradient (for inputs of gradient checks). */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor");
        }
        this.requiresGrad = value;
        return this;
    }

    /** Used by {@link Function} to attach the node that produced this tensor. */
    public void setGradFn(Function fn) {
        this.gradFn = fn;
        this.requiresGrad = fn != null || requiresGrad;
    }

    /** Used by the autograd engine: installs or replaces the gradient buffer. */
    public void setGrad(Buffer g) {
        this.grad = g;
    }

    /** A tensor sharing this one's storage, cut off from the graph (as PyTorch's detach()). */
    public Tensor detach() {
        return new Tensor(backend, data, storage, shape);
    }

    /**
     * How many in-place ops have written this tensor's storage (shared with {@link #detach()}
     * aliases and in-place results, as PyTorch's version counter): a backward pass checks that a
     * tensor it saved was not overwritten since ({@code Function.save}).
     */
    public int version() {
        return storage.version;
    }

    /**
     * For in-place ops, after they have written this tensor's storage: counts the write and returns
     * the op's result, a new tensor over the same storage (to which the op attaches its node).
     */
    public Tensor overwritten() {
        storage.version++;
        return new Tensor(backend, data, storage, shape);
    }

    /** Whether both tensors are views of one buffer (detach(), in-place results). */
    public boolean sharesStorageWith(Tensor other) {
        return other != null && other.storage == storage;
    }

    /** Counts a graph node that keeps this tensor's values for its backward pass ({@code Function.save}). */
    public void retainForBackward() {
        storage.savedBy++;
    }

    /** Undoes {@link #retainForBackward()} once the node has run its backward pass (or was not recorded). */
    public void releaseForBackward() {
        storage.savedBy--;
    }

    /**
     * Frees the buffer now, unless a graph node still keeps its values for the backward pass. For a
     * module's own intermediate results, which nothing but the autograd could read again (Sequential
     * between its layers, ResidualBlock after its sum): gradients still flow through this tensor,
     * but its values are gone, so using them afterwards fails (closed buffer). PyTorch frees such
     * tensors when their last reference goes; without reference counts this is where we can.
     */
    public void freeIfUnsaved() {
        if (storage.savedBy == 0) {
            data.close();
        }
    }

    public float[] toArray() {
        return backend.download(data);
    }

    public float[] gradArray() {
        if (grad == null) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " has no gradient");
        }
        return backend.download(grad);
    }

    /**
     * The values of several one-element tensors of one backend, read with a single wait for the
     * device: they are gathered into one small buffer on the device and copied back together
     * (a training step's losses cost one synchronisation, not one each).
     */
    public static float[] items(Tensor... scalars) {
        if (scalars.length == 0) {
            return new float[0];
        }
        Backend be = scalars[0].backend;
        for (Tensor t : scalars) {
            if (t.numel != 1 || t.backend != be) {
                throw new IllegalArgumentException("items: every tensor must be a scalar of one backend, got shape "
                        + Arrays.toString(t.shape) + " on " + t.backend.name());
            }
        }
        try (Buffer all = be.allocate(scalars.length)) {
            for (int i = 0; i < scalars.length; i++) {
                be.copyRange(all, i, scalars[i].data, 0, 1);
            }
            return be.download(all);
        }
    }

    /** The value of a one-element tensor (waits for the device). */
    public float item() {
        if (numel != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Arrays.toString(shape) + " is not a scalar");
        }
        return toArray()[0];
    }

    /** Back-propagates from this scalar (gradient 1). */
    public void backward() {
        if (numel != 1) {
            throw new IllegalArgumentException("backward: needs a scalar, got shape " + Arrays.toString(shape)
                    + " (pass an explicit gradient)");
        }
        Autograd.backward(this, Tensor.full(backend, 1f, shape));
    }

    /** Back-propagates with an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient);
    }

    @Override
    public void close() {
        data.close();
        if (grad != null) {
            grad.close();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad ? "(requires grad)" : "");
    }
}
