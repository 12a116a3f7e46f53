package cyclegan4j.nn;

import cyclegan4j.backend.Backend;
import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A transposed convolution layer, as PyTorch's ConvTranspose2d: parameters {@code weight}
 * [in, out, k, k] and {@code bias} [out], initialised as the CycleGAN reference does (weight ~
 * N(0, 0.02), bias = 0). The paper's fractionally strided u128 / u64 layers are (k 3, stride 2,
 * padding 1, output padding 1): twice the input's height and width.
 */
public final class ConvTranspose2d extends Module {

    private final Tensor weight;
    private final Tensor bias;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;

    public ConvTranspose2d(Backend backend, int in, int out, int kernel, int stride, int padding, int outputPadding,
                           SplittableRandom rng) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("ConvTranspose2d: invalid arguments in=" + in + " out=" + out + " kernel=" + kernel
                    + " stride=" + stride + " padding=" + padding + " outputPadding=" + outputPadding);
        }
        this.weight = registerParameter("weight", Tensor.parameter(backend, Conv2d.initialWeights(rng, in * out * kernel * kernel),
                in, out, kernel, kernel));
        this.bias = registerParameter("bias", Tensor.parameter(backend, new float[out], out));
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose2d(x, weight, bias, stride, padding, outputPadding);
    }

    @Override
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        String out = graph.node(prefix + "ConvTranspose", "ConvTranspose", List.of(input, graph.weights(prefix + "weight", weight),
                        graph.weights(prefix + "bias", bias)),
                Map.of("kernel_shape", new long[]{kernel, kernel}, "strides", new long[]{stride, stride},
                        "pads", new long[]{padding, padding, padding, padding},
                        "output_padding", new long[]{outputPadding, outputPadding}));
        graph.setChannels(out, weight.dim(1));
        return out;
    }
}
