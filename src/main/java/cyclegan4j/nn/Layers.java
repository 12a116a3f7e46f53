package cyclegan4j.nn;

import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The parameter-free layers, each a thin Module over one op of {@link F}. */
public final class Layers {

    private Layers() {
    }

    /** InstanceNorm2d(affine=False, track_running_stats=False), eps 1e-5. */
    public static final class InstanceNorm2d extends Module {
        public static final float EPS = 1e-5f;

        @Override
        public Tensor forward(Tensor x) {
            return F.instanceNorm2d(x, EPS);
        }

        /** ONNX's InstanceNormalization with scale 1 and bias 0 (affine=False). */
        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            int c = graph.channels(input);
            float[] ones = new float[c];
            Arrays.fill(ones, 1f);
            return graph.node(prefix + "InstanceNormalization", "InstanceNormalization",
                    List.of(input, graph.floats("ones_" + c, ones, c), graph.floats("zeros_" + c, new float[c], c)),
                    Map.of("epsilon", EPS));
        }

        /** This layer and the activation after it as one op ({@link Sequential} fuses such a pair). */
        Tensor forwardActivated(Tensor x, float slope) {
            return F.instanceNorm2dLeakyRelu(x, EPS, slope);
        }
    }

    /** ReflectionPad2d with (left, right, top, bottom) padding. */
    public static final class ReflectionPad2d extends Module {
        private final int left, right, top, bottom;

        public ReflectionPad2d(int pad) {
            this(pad, pad, pad, pad);
        }

        public ReflectionPad2d(int left, int right, int top, int bottom) {
            this.left = left;
            this.right = right;
            this.top = top;
            this.bottom = bottom;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.reflectionPad2d(x, left, right, top, bottom);
        }

        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            return pad(graph, input, prefix, "reflect", left, right, top, bottom);
        }
    }

    /** ZeroPad2d with (left, right, top, bottom) padding. */
    public static final class ZeroPad2d extends Module {
        private final int left, right, top, bottom;

        public ZeroPad2d(int left, int right, int top, int bottom) {
            this.left = left;
            this.right = right;
            this.top = top;
            this.bottom = bottom;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.zeroPad2d(x, left, right, top, bottom);
        }

        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            return pad(graph, input, prefix, "constant", left, right, top, bottom);
        }
    }

    /** Upsample(scale_factor=f, mode='nearest'). */
    public static final class Upsample extends Module {
        private final int factor;

        public Upsample(int factor) {
            this.factor = factor;
        }

        public int factor() {
            return factor;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.upsampleNearest(x, factor);
        }

        /** Resize: output pixel (y, x) reads input (floor(y / f), floor(x / f)), as nearest upsampling does. */
        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            String scales = graph.floats("scales_" + factor, new float[]{1, 1, factor, factor}, 4);
            return graph.node(prefix + "Resize", "Resize", List.of(input, "", scales), Map.of("mode", "nearest",
                    "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor"));
        }
    }

    /**
     * ReLU; with {@code inPlace} written over its input (PyTorch's {@code ReLU(inplace=True)}), for an
     * input nothing else reads afterwards, e.g. an instance norm's output.
     */
    public static final class ReLU extends Module {
        private final boolean inPlace;

        public ReLU(boolean inPlace) {
            this.inPlace = inPlace;
        }

        @Override
        public Tensor forward(Tensor x) {
            return inPlace ? F.leakyReluInPlace(x, 0f) : F.relu(x);
        }

        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            return graph.node(prefix + "Relu", "Relu", List.of(input));
        }

        float slope() {
            return 0f;
        }
    }

    /** LeakyReLU; {@code inPlace} as for {@link ReLU}. */
    public static final class LeakyReLU extends Module {
        private final float slope;
        private final boolean inPlace;

        public LeakyReLU(float slope, boolean inPlace) {
            this.slope = slope;
            this.inPlace = inPlace;
        }

        @Override
        public Tensor forward(Tensor x) {
            return inPlace ? F.leakyReluInPlace(x, slope) : F.leakyRelu(x, slope);
        }

        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            return graph.node(prefix + "LeakyRelu", "LeakyRelu", List.of(input), Map.of("alpha", slope));
        }

        float slope() {
            return slope;
        }
    }

    public static final class Tanh extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return F.tanh(x);
        }

        @Override
        public String toOnnx(OnnxGraph graph, String input, String prefix) {
            return graph.node(prefix + "Tanh", "Tanh", List.of(input));
        }
    }

    /** ONNX Pad over H and W; its pads list every axis's start, then every axis's end. */
    private static String pad(OnnxGraph graph, String input, String prefix, String mode, int left, int right, int top, int bottom) {
        String pads = graph.int64s("pads_" + left + "_" + right + "_" + top + "_" + bottom, 0, 0, top, left, 0, 0, bottom, right);
        return graph.node(prefix + "Pad", "Pad", List.of(input, pads), Map.of("mode", mode));
    }
}
