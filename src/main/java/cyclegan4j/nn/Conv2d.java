package cyclegan4j.nn;

import cyclegan4j.backend.Backend;
import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A convolution layer with parameters {@code weight} [out, in, k, k] and {@code bias} [out],
 * initialised as the CycleGAN reference does: weight ~ N(0, 0.02), bias = 0.
 */
public final class Conv2d extends Module {

    public static final float INIT_STD = 0.02f;

    private final Tensor weight;
    private final Tensor bias;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Conv2d(Backend backend, int in, int out, int kernel, int stride, int padding, SplittableRandom rng) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: invalid arguments in=" + in + " out=" + out + " kernel=" + kernel
                    + " stride=" + stride + " padding=" + padding);
        }
        this.weight = registerParameter("weight", Tensor.parameter(backend, initialWeights(rng, out * in * kernel * kernel),
                out, in, kernel, kernel));
        this.bias = registerParameter("bias", Tensor.parameter(backend, new float[out], out));
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /**
     * n weights drawn from N(0, INIT_STD^2), the reference's init for convolutions and transposed
     * ones; zeros when {@code rng} is null, for a network whose weights are loaded next (drawing the
     * 11.4 M of a generator only to overwrite them took a quarter of a second).
     */
    static float[] initialWeights(SplittableRandom rng, int n) {
        float[] w = new float[n];
        for (int i = 0; rng != null && i < n; i++) {
            w[i] = (float) (Tensor.gaussian(rng) * INIT_STD);
        }
        return w;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding);
    }

    @Override
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        String out = graph.node(prefix + "Conv", "Conv", List.of(input, graph.weights(prefix + "weight", weight),
                        graph.weights(prefix + "bias", bias)),
                Map.of("kernel_shape", new long[]{kernel, kernel}, "strides", new long[]{stride, stride},
                        "pads", new long[]{padding, padding, padding, padding}));
        graph.setChannels(out, weight.dim(0));
        return out;
    }

    /** Whether {@link #forwardUpsampled} serves this layer after {@code up}: 2x, then 3x3 stride 1 pad 1. */
    public boolean fusesWith(Layers.Upsample up) {
        return up.factor() == 2 && kernel == 3 && stride == 1 && padding == 1;
    }

    /** forward(upsample(x)) for the upsampling that {@link #fusesWith} accepts, as one op. */
    public Tensor forwardUpsampled(Tensor x) {
        return F.upsampleConv2d(x, weight, bias);
    }
}
