package cyclegan4j.nn;

import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a network: named parameters and named child modules, in registration order.
 * {@link #namedParameters()} joins names with dots exactly as PyTorch's {@code state_dict()} does for
 * the same structure ({@code model.1.weight}, {@code model.10.block.1.bias}), so weights can move
 * between the two.
 */
public abstract class Module implements AutoCloseable {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    public abstract Tensor forward(Tensor x);

    /**
     * Adds what {@link #forward} computes to an ONNX graph: reads the graph value {@code input} and
     * returns the name of its output. {@code prefix} is this module's state_dict path (e.g.
     * "model.10."): its weights keep their state_dict names and its nodes are named after it.
     *
     * @throws UnsupportedOperationException for a module with no ONNX form
     */
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no ONNX form");
    }

    protected final Tensor registerParameter(String name, Tensor p) {
        if (parameters.put(name, p) != null) {
            throw new IllegalArgumentException("duplicate parameter name " + name);
        }
        return p;
    }

    protected final <M extends Module> M registerModule(String name, M m) {
        if (children.put(name, m) != null) {
            throw new IllegalArgumentException("duplicate module name " + name);
        }
        return m;
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, keyed by its state_dict name. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, m) -> m.collect(prefix + name + ".", out));
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Total number of parameter values. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /** Sets every parameter gradient to zero. */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.backend().fill(p.grad(), 0f, p.numel());
        }
    }

    /** Frees the parameters (and their gradients). */
    @Override
    public void close() {
        for (Tensor p : parameters()) {
            p.close();
        }
    }
}
