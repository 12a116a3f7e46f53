package cyclegan4j.nn;

import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Runs its children in order; they are named "0", "1", ... as in torch.nn.Sequential. Each
 * intermediate result is freed as soon as the next layer has run, unless a backward pass needs it
 * (as PyTorch drops it with its last reference): under no-grad, inference holds about two layers.
 *
 * <p>A 2x {@link Layers.Upsample} followed by a 3x3 stride-1 pad-1 {@link Conv2d} (the CycleGAN
 * decoder) runs as one op, {@code F.upsampleConv2d}: same values, and no backend keeps the
 * upsampled image for the backward pass (the CPU, at the decoder's usual sizes, never makes it).
 * An {@link Layers.InstanceNorm2d} followed by a {@link Layers.ReLU} or a {@link Layers.LeakyReLU}
 * with slope &gt;= 0 runs as one op too, {@code F.instanceNorm2dLeakyRelu}: the same values and
 * gradients, one pass over the activation fewer, and its output kept only if the next layer needs it.
 */
public final class Sequential extends Module {

    public Sequential(List<? extends Module> layers) {
        for (int i = 0; i < layers.size(); i++) {
            registerModule(Integer.toString(i), layers.get(i));
        }
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    @Override
    public Tensor forward(Tensor x) {
        List<Module> layers = List.copyOf(children().values());
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            Tensor next;
            Module after = i + 1 < layers.size() ? layers.get(i + 1) : null;
            if (m instanceof Layers.Upsample up && after instanceof Conv2d conv && conv.fusesWith(up)) {
                next = conv.forwardUpsampled(h); // the two layers as one op: no upsampled image kept
                i++;
            } else if (m instanceof Layers.InstanceNorm2d norm && activationSlope(after) >= 0) {
                next = norm.forwardActivated(h, activationSlope(after));
                i++;
            } else {
                next = m.forward(h);
            }
            if (!h.sharesStorageWith(x) && !next.sharesStorageWith(h)) { // never the caller's input
                h.freeIfUnsaved(); // our own intermediate: only a backward pass could want it again
            }
            h = next;
        }
        return h;
    }

    /** Each layer in turn (runtimes fuse what they can themselves). */
    @Override
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        String h = input;
        for (Map.Entry<String, Module> layer : children().entrySet()) {
            h = layer.getValue().toOnnx(graph, h, prefix + layer.getKey() + ".");
        }
        return h;
    }

    /** The slope of a ReLU (0) or LeakyReLU layer, or -1 for any other layer (or none). */
    private static float activationSlope(Module m) {
        if (m instanceof Layers.ReLU r) {
            return r.slope();
        }
        return m instanceof Layers.LeakyReLU l && l.slope() >= 0 ? l.slope() : -1f;
    }
}
