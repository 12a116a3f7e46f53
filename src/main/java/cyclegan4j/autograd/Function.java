package cyclegan4j.autograd;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node of the graph: an op's backward pass plus what its forward pass saved.
 *
 * <p>Each op is one subclass (in {@code cyclegan4j.ops}): its static {@code apply} checks shapes,
 * allocates the output, calls the backend's forward primitive and then {@link #record}s itself;
 * {@link #backward} calls the backward primitive and hands each input its gradient through
 * {@link #newGrad}/{@link #accumulate} (activations) or {@link #accumulatingGrad} (primitives that
 * add into the gradient, such as the conv weight gradient).
 */
public abstract class Function {

    private Tensor[] inputs = new Tensor[0];
    private final List<Saved> saved = new ArrayList<>(2);

    /** Computes the inputs' gradients from the output's gradient. */
    protected abstract void backward(Buffer gradOut);

    /** Frees what forward saved for backward (called once backward is done, or when not recorded). */
    protected void release() {
    }

    public final Tensor[] inputs() {
        return inputs;
    }

    final void runBackward(Buffer gradOut) {
        backward(gradOut);
        release();
        dropSaved();
        inputs = new Tensor[0];
    }

    private void dropSaved() {
        saved.forEach(s -> s.tensor.releaseForBackward());
        saved.clear();
    }

    /**
     * Connects {@code out} to this node when grad mode is on and an input needs a gradient;
     * otherwise drops the saved state. Returns {@code out}.
     */
    protected final Tensor record(Tensor out, Tensor... ins) {
        boolean needed = false;
        if (Autograd.isGradEnabled()) {
            for (Tensor t : ins) {
                needed |= t != null && t.requiresGrad();
            }
        }
        if (needed) {
            this.inputs = ins;
            out.setGradFn(this);
        } else {
            release();
            dropSaved();
        }
        return out;
    }

    protected final boolean needsGrad(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    /** A fresh buffer for a primitive that writes ({@code =}) input i's gradient; pass it to {@link #accumulate}. */
    protected final Buffer newGrad(int i) {
        return Scope.allocate(inputs[i].backend(), inputs[i].numel());
    }

    /** Adds a gradient written into {@link #newGrad} to input i (taking the buffer if it is the first). */
    protected final void accumulate(int i, Buffer g) {
        Tensor in = inputs[i];
        if (!hasLiveGrad(in)) {
            in.setGrad(g);
        } else {
            in.backend().axpy(1f, g, in.grad(), in.numel());
            g.close();
        }
    }

    /** Input i's gradient buffer, created and zeroed if absent, for primitives that add ({@code +=}). */
    protected final Buffer accumulatingGrad(int i) {
        Tensor in = inputs[i];
        if (!hasLiveGrad(in)) {
            Buffer g = Scope.allocate(in.backend(), in.numel());
            in.backend().fill(g, 0f, in.numel());
            in.setGrad(g);
        }
        return in.grad();
    }

    /**
     * Whether t holds a usable gradient. A leaf whose gradient was allocated inside a scope that
     * has since closed starts again from zero, as if it had none.
     */
    static boolean hasLiveGrad(Tensor t) {
        return t.grad() != null && !t.grad().isClosed();
    }

    /**
     * A tensor kept for the backward pass, with the version it had when saved: {@link #get} fails
     * if an in-place op has overwritten it since (its values would no longer be the forward's).
     */
    protected static final class Saved {
        private final Tensor tensor;
        private final int version;

        private Saved(Tensor tensor) {
            this.tensor = tensor;
            this.version = tensor.version();
        }

        public Tensor get() {
            if (tensor.version() != version) {
                throw new IllegalStateException("backward: a tensor of shape " + Arrays.toString(tensor.shape())
                        + " saved for the gradient was overwritten by an in-place op afterwards (version " + tensor.version()
                        + ", saved at " + version + "); use the out-of-place op there");
            }
            return tensor;
        }
    }

    /**
     * Keeps {@code t} for the backward pass (see {@link Saved}); while kept, it is not freed early
     * ({@link Tensor#freeIfUnsaved()}). Call before {@link #record}.
     */
    protected final Saved save(Tensor t) {
        Saved s = new Saved(t);
        t.retainForBackward();
        saved.add(s);
        return s;
    }

    /** Checks that all tensors live on the same backend and returns it. */
    protected static Backend backendOf(String op, Tensor... ts) {
        Backend b = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (b == null) {
                b = t.backend();
            } else if (b != t.backend()) {
                throw new IllegalArgumentException(op + ": tensors on different backends (" + b.name() + ", "
                        + t.backend().name() + ")");
            }
        }
        return b;
    }
}
