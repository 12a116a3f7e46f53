package cyclegan4j.autograd;

import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The reverse-mode graph walk and the no-grad switch. */
public final class Autograd {

    private static final ThreadLocal<Boolean> GRAD_ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private Autograd() {
    }

    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get();
    }

    /** {@code try (var ng = Autograd.noGrad()) { ... }}: ops inside record no graph (inference). */
    public static NoGrad noGrad() {
        return setGradEnabled(false);
    }

    /** Switches grad mode on this thread until the returned handle is closed. */
    public static NoGrad setGradEnabled(boolean enabled) {
        boolean previous = GRAD_ENABLED.get();
        GRAD_ENABLED.set(enabled);
        return () -> GRAD_ENABLED.set(previous);
    }

    /** A grad-mode region that restores the previous mode; close() throws nothing. */
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Back-propagates {@code gradient} (same shape as {@code root}) through the graph that produced
     * {@code root}. Leaves that require grad receive (accumulate) their gradients; intermediate
     * gradients and every node's saved state are released as soon as they have been used.
     */
    public static void backward(Tensor root, Tensor gradient) {
        if (!Arrays.equals(root.shape(), gradient.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Arrays.toString(gradient.shape())
                    + " does not match tensor shape " + Arrays.toString(root.shape()));
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor does not require grad (no parameter or input in its graph needs one)");
        }
        Buffer seed = Scope.allocate(root.backend(), root.numel());
        root.backend().copy(seed, gradient.data(), root.numel());
        if (root.isLeaf()) {
            accumulateInto(root, seed);
            return;
        }
        root.setGrad(seed);
        for (Tensor t : reverseTopologicalOrder(root)) {
            Function fn = t.gradFn();
            Buffer g = t.grad();
            t.setGradFn(null);
            if (g == null) {
                continue; // no path from this node to the root carried a gradient
            }
            fn.runBackward(g);
            t.setGrad(null);
            g.close();
        }
    }

    private static void accumulateInto(Tensor leaf, Buffer g) {
        if (!Function.hasLiveGrad(leaf)) {
            leaf.setGrad(g);
        } else {
            leaf.backend().axpy(1f, g, leaf.grad(), leaf.numel());
            g.close();
        }
    }

    /** Non-leaf tensors reachable from root, each after every tensor that consumes it. */
    private static List<Tensor> reverseTopologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            Tensor[] inputs = t.gradFn().inputs();
            int next = (Integer) frame[1];
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.gradFn() != null && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[]{in, 0});
                }
            } else {
                stack.pop();
                order.add(t); // post-order: inputs before consumers
            }
        }
        Collections.reverse(order);
        return order;
    }
}
