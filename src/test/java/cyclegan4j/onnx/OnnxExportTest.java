package cyclegan4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX models written by {@link OnnxGraph} and the modules' {@code toOnnx}, run in ONNX Runtime
 * (an independent engine) and compared with our own forward pass on the CPU.
 */
class OnnxExportTest {

    private static final Backend CPU = CpuBackend.get();

    @Test
    void generatorMatchesOurForwardPassForAnyBatchAndSize() throws Exception {
        GeneratorResNet g = new GeneratorResNet(CPU, 3, 2, new SplittableRandom(7));
        randomizeBiases(g, 8);
        byte[] model = export(g, 3);
        for (int[] shape : new int[][]{{1, 3, 16, 16}, {2, 3, 12, 20}}) { // symbolic N, H, W
            assertClose(ours(g, shape, 1), onnxRuntime(model, shape, 1), 1e-4, java.util.Arrays.toString(shape));
        }
    }

    @Test
    void theAuthorsLayoutWithTransposedConvolutionsMatchesToo() throws Exception {
        GeneratorResNet g = new GeneratorResNet(CPU, 3, 2, GeneratorResNet.Upsampling.TRANSPOSED, new SplittableRandom(8));
        randomizeBiases(g, 10);
        assertEquals(List.of(256, 128, 3, 3), java.util.Arrays.stream(g.namedParameters().get("model.12.weight").shape()).boxed().toList(),
                "the first transposed convolution follows the residual blocks, [in, out, k, k]");
        assertTrue(g.namedParameters().containsKey("model.10.conv_block.5.weight"), g.namedParameters().keySet().toString());
        byte[] model = export(g, 3);
        for (int[] shape : new int[][]{{1, 3, 16, 16}, {2, 3, 12, 20}}) {
            assertClose(ours(g, shape, 3), onnxRuntime(model, shape, 3), 1e-4, "transposed " + java.util.Arrays.toString(shape));
        }
    }

    @Test
    void asymmetricPaddingsLeakyReluAndNormMatch() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        Sequential net = new Sequential(
                new Layers.ZeroPad2d(1, 2, 1, 2), new Conv2d(CPU, 2, 8, 4, 1, 0, rng), // back to the input's size
                new Layers.InstanceNorm2d(), new Layers.LeakyReLU(0.2f, false),
                new Layers.ReflectionPad2d(2, 1, 1, 2), new Conv2d(CPU, 8, 2, 4, 1, 0, rng), new Layers.Tanh());
        randomizeBiases(net, 9);
        int[] shape = {1, 2, 9, 13};
        assertClose(ours(net, shape, 2), onnxRuntime(export(net, 2), shape, 2), 1e-4, "pads, LeakyRelu");
    }

    @Test
    void theSameNetworkGivesTheSameBytes() {
        GeneratorResNet a = new GeneratorResNet(CPU, 1, 1, new SplittableRandom(1));
        GeneratorResNet b = new GeneratorResNet(CPU, 1, 1, new SplittableRandom(1));
        assertArrayEquals(export(a, 1), export(b, 1));
    }

    static byte[] export(Module net, int channels) {
        OnnxGraph graph = new OnnxGraph("x", channels);
        String out = net.toOnnx(graph, "x", "");
        return graph.toModel("test", out, "a test network", Map.of("k", "v"));
    }

    /** Every conv bias set to a random value (they start at 0), so that a bias dropped shows. */
    private static void randomizeBiases(Module net, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        net.namedParameters().forEach((name, p) -> {
            if (name.endsWith("bias")) {
                float[] v = new float[(int) p.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextDouble() - 0.5);
                }
                CPU.upload(p.data(), v);
            }
        });
    }

    private static float[] input(int[] shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return x;
    }

    private static float[] ours(Module net, int[] shape, long seed) {
        try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            return net.forward(Tensor.of(CPU, input(shape, seed), shape)).toArray();
        }
    }

    static float[] onnxRuntime(byte[] model, int[] shape, long seed) throws Exception {
        return onnxRuntime(model, input(shape, seed), shape);
    }

    static float[] onnxRuntime(byte[] model, float[] x, int[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = java.util.Arrays.stream(shape).mapToLong(i -> i).toArray();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
             OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] y = new float[fb.remaining()];
            fb.get(y);
            return y;
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": sizes");
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tol, what + ": worst |ours - ONNX Runtime| = " + worst + " at " + at + " (" + expected[at] + " vs "
                + actual[at] + ")");
    }
}
