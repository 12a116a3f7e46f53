package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * x + block(x), block = pad, conv3, IN, ReLU, pad, conv3, IN (parameters named block.1.*, block.5.*,
 * or with another name for the inner Sequential, e.g. conv_block.1.* as the paper's authors' code).
 */
public final class ResidualBlock extends Module {

    private final Sequential block;
    private final String name;

    public ResidualBlock(Backend backend, int channels, SplittableRandom rng) {
        this(backend, channels, "block", rng);
    }

    public ResidualBlock(Backend backend, int channels, String name, SplittableRandom rng) {
        this.name = name;
        block = registerModule(name, new Sequential(
                new Layers.ReflectionPad2d(1),
                new Conv2d(backend, channels, channels, 3, 1, 0, rng),
                new Layers.InstanceNorm2d(),
                new Layers.ReLU(true),
                new Layers.ReflectionPad2d(1),
                new Conv2d(backend, channels, channels, 3, 1, 0, rng),
                new Layers.InstanceNorm2d()));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = block.forward(x);
        Tensor out = F.add(x, y);
        y.freeIfUnsaved(); // the sum's backward needs neither addend
        return out;
    }

    @Override
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        return graph.node(prefix + "Add", "Add", List.of(input, block.toOnnx(graph, input, prefix + name + ".")));
    }
}
