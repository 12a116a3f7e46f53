package cyclegan4j.cyclegan;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.io.TensorData;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter names and shapes match the state_dict of the PyTorch-GAN CycleGAN models
 * (implementations/cyclegan/models.py), and the networks' output shapes.
 */
class ModelStructureTest {

    private static final CpuBackend CPU = CpuBackend.get();

    private static void expect(Map<String, int[]> want, String prefix, int[] weight) {
        want.put(prefix + ".weight", weight);
        want.put(prefix + ".bias", new int[]{weight[0]});
    }

    private static void assertNamesAndShapes(Map<String, int[]> want, Map<String, Tensor> got) {
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "state_dict keys, in order");
        want.forEach((k, shape) -> assertArrayEquals(shape, got.get(k).shape(), "shape of " + k));
    }

    @Test
    void generatorNamesMatchPyTorchStateDict() {
        // nn.Sequential indices of the reference: 0 pad, 1 conv, 2 IN, 3 ReLU, 4/7 down convs (+IN, ReLU),
        // 10..18 residual blocks (block.1 and block.5 are the convs), 19 upsample, 20 conv, 21 IN, 22 ReLU,
        // 23 upsample, 24 conv, 25 IN, 26 ReLU, 27 ReflectionPad2d, 28 conv, 29 Tanh.
        Map<String, int[]> want = new LinkedHashMap<>();
        expect(want, "model.1", new int[]{64, 3, 7, 7});
        expect(want, "model.4", new int[]{128, 64, 3, 3});
        expect(want, "model.7", new int[]{256, 128, 3, 3});
        for (int b = 10; b <= 18; b++) {
            expect(want, "model." + b + ".block.1", new int[]{256, 256, 3, 3});
            expect(want, "model." + b + ".block.5", new int[]{256, 256, 3, 3});
        }
        expect(want, "model.20", new int[]{128, 256, 3, 3});
        expect(want, "model.24", new int[]{64, 128, 3, 3});
        expect(want, "model.28", new int[]{3, 64, 7, 7});
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 9, new SplittableRandom(1))) {
            assertNamesAndShapes(want, g.namedParameters());
            assertEquals(11_378_179L, g.parameterCount(), "PyTorch-GAN GeneratorResNet(3, 9) parameter count");
        }
    }

    @Test
    void discriminatorNamesMatchPyTorchStateDict() {
        // 0 conv, 1 LeakyReLU, 2 conv, 3 IN, 4 LeakyReLU, 5 conv, 6 IN, 7 LeakyReLU, 8 conv, 9 IN,
        // 10 LeakyReLU, 11 ZeroPad2d, 12 conv
        Map<String, int[]> want = new LinkedHashMap<>();
        expect(want, "model.0", new int[]{64, 3, 4, 4});
        expect(want, "model.2", new int[]{128, 64, 4, 4});
        expect(want, "model.5", new int[]{256, 128, 4, 4});
        expect(want, "model.8", new int[]{512, 256, 4, 4});
        expect(want, "model.12", new int[]{1, 512, 4, 4});
        try (Discriminator d = new Discriminator(CPU, 3, new SplittableRandom(1))) {
            assertNamesAndShapes(want, d.namedParameters());
            assertEquals(2_764_737L, d.parameterCount(), "PyTorch-GAN Discriminator(3) parameter count");
        }
    }

    @Test
    void the70x70DiscriminatorHasTheAuthorsLayoutAndPatchGrid() {
        // 0 conv s2, 1 LeakyReLU, 2 conv s2, 3 IN, 4 LeakyReLU, 5 conv s2, 6 IN, 7 LeakyReLU, 8 conv s1, 9 IN,
        // 10 LeakyReLU, 11 conv s1: NLayerDiscriminator(n_layers=3)'s state_dict names
        Map<String, int[]> want = new LinkedHashMap<>();
        expect(want, "model.0", new int[]{64, 3, 4, 4});
        expect(want, "model.2", new int[]{128, 64, 4, 4});
        expect(want, "model.5", new int[]{256, 128, 4, 4});
        expect(want, "model.8", new int[]{512, 256, 4, 4});
        expect(want, "model.11", new int[]{1, 512, 4, 4});
        try (Discriminator d = new Discriminator(CPU, 3, Discriminator.Layout.PATCH70, new SplittableRandom(1));
             Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            assertNamesAndShapes(want, d.namedParameters());
            assertArrayEquals(new int[]{1, 30, 30}, Discriminator.outputShape(Discriminator.Layout.PATCH70, 256, 256), "30x30 patches");
            for (int[] hw : new int[][]{{32, 32}, {48, 64}, {40, 36}, {24, 24}}) {
                int[] o = Discriminator.outputShape(Discriminator.Layout.PATCH70, hw[0], hw[1]);
                assertArrayEquals(new int[]{2, o[0], o[1], o[2]}, d.forward(Tensor.zeros(CPU, 2, 3, hw[0], hw[1])).shape(),
                        "D on " + Arrays.toString(hw));
            }
            IllegalArgumentException tooSmall = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> d.forward(Tensor.zeros(CPU, 1, 3, 20, 32)));
            assertTrue(tooSmall.getMessage().contains("patch70"), tooSmall.getMessage());
        }
    }

    @Test
    void widthsScaleEveryLayer() {
        // parameter counts of the reference's GeneratorResNet(3, 9, ngf=32) and Discriminator(3, ndf=32)
        // (benchmarks/reference/models.py), the authors' layouts' the same
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 9, 32, GeneratorResNet.Upsampling.NEAREST, new SplittableRandom(1));
             GeneratorResNet t = new GeneratorResNet(CPU, 3, 9, 32, GeneratorResNet.Upsampling.TRANSPOSED, new SplittableRandom(1));
             Discriminator d = new Discriminator(CPU, 3, 32, Discriminator.Layout.PYTORCH_GAN, new SplittableRandom(1));
             Discriminator p = new Discriminator(CPU, 3, 32, Discriminator.Layout.PATCH70, new SplittableRandom(1));
             Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            assertEquals(2_850_563L, g.parameterCount());
            assertEquals(2_850_563L, t.parameterCount());
            assertEquals(694_241L, d.parameterCount());
            assertEquals(694_241L, p.parameterCount());
            assertArrayEquals(new int[]{128, 128, 3, 3}, g.namedParameters().get("model.10.block.1.weight").shape());
            assertArrayEquals(new int[]{3, 32, 7, 7}, g.namedParameters().get("model.28.weight").shape());
            assertArrayEquals(new int[]{1, 256, 4, 4}, d.namedParameters().get("model.12.weight").shape());
            Tensor x = Tensor.zeros(CPU, 1, 3, 32, 32);
            assertArrayEquals(x.shape(), g.forward(x).shape());
            assertArrayEquals(new int[]{1, 1, 2, 2}, d.forward(x).shape());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GeneratorResNet(CPU, 3, 1, 0, GeneratorResNet.Upsampling.NEAREST, new SplittableRandom(1)));
    }

    @Test
    void outputShapes() {
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 1, new SplittableRandom(2));
             GeneratorResNet g1 = new GeneratorResNet(CPU, 1, 1, new SplittableRandom(3));
             Discriminator d = new Discriminator(CPU, 3, new SplittableRandom(4));
             Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            for (int[] hw : new int[][]{{8, 8}, {12, 8}, {16, 20}, {32, 24}}) {
                Tensor x = Tensor.zeros(CPU, 2, 3, hw[0], hw[1]);
                assertArrayEquals(x.shape(), g.forward(x).shape(), "G on " + Arrays.toString(hw));
                Tensor x1 = Tensor.zeros(CPU, 1, 1, hw[0], hw[1]);
                assertArrayEquals(x1.shape(), g1.forward(x1).shape(), "G(1 channel) on " + Arrays.toString(hw));
            }
            IllegalArgumentException tooSmall = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> d.forward(Tensor.zeros(CPU, 1, 3, 16, 16)));
            assertTrue(tooSmall.getMessage().contains("[1, 3, 16, 16]"), tooSmall.getMessage());
            for (int[] hw : new int[][]{{16, 32}, {32, 16}, {32, 32}, {48, 64}, {40, 40}}) {
                Tensor x = Tensor.zeros(CPU, 2, 3, hw[0], hw[1]);
                int[] o = Discriminator.outputShape(hw[0], hw[1]);
                assertArrayEquals(new int[]{2, o[0], o[1], o[2]}, d.forward(x).shape(), "D on " + Arrays.toString(hw));
                assertArrayEquals(new int[]{1, hw[0] / 16, hw[1] / 16}, o);
            }
        }
    }

    @Test
    void generatorOutputIsInTanhRange() {
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 2, new SplittableRandom(5));
             Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            float[] out = g.forward(Tensor.randn(CPU, new SplittableRandom(6), 1f, 1, 3, 16, 12)).toArray();
            List<Float> bad = new ArrayList<>();
            for (float v : out) {
                if (!(v >= -1f && v <= 1f)) {
                    bad.add(v);
                }
            }
            assertEquals(List.of(), bad);
        }
    }
    /** Networks that are no cyclegan4j generator are named for what they are, not as a shape mismatch. */
    @Test
    void storedRefusesOtherKindsOfNetworkSayingWhich() {
        BiFunction<String, int[], String> failure = (extra, firstShape) -> {
            Checkpoint ck = new Checkpoint();
            ck.put("G_AB.model.1.weight", new TensorData(firstShape, new float[(int) TensorData.elementCount(firstShape)]));
            if (extra != null) {
                ck.put("G_AB." + extra, new TensorData(new int[]{4}, new float[4]));
            }
            try {
                GeneratorResNet.stored(ck, "G_AB.");
                return null;
            } catch (CheckpointFormatException e) {
                return e.getMessage();
            }
        };
        assertNull(failure.apply(null, new int[]{4, 3, 7, 7}));
        assertTrue(failure.apply(null, new int[]{4, 3, 4, 4}).contains("4x4: a discriminator's"));
        // weights without running statistics: InstanceNorm2d(affine=True), not batch norm
        assertTrue(failure.apply("model.2.weight", new int[]{4, 3, 7, 7}).contains("affine instance norm"));
        assertTrue(failure.apply("model.2.running_mean", new int[]{4, 3, 7, 7}).contains("batch norm"));
        assertTrue(failure.apply("model.10.conv_block.6.weight", new int[]{4, 3, 7, 7}).contains("dropout"));
    }
}
