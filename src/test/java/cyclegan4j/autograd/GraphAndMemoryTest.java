package cyclegan4j.autograd;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.ResidualBlock;
import cyclegan4j.nn.Adam;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Buffers are freed where they should be, the graph is released after backward, no-grad and detach cut it. */
class GraphAndMemoryTest {

    private static final CpuBackend CPU = CpuBackend.get();

    @Test
    void itemsReadsSeveralScalarsInOrderAndFreesItsBuffer() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.full(CPU, 1.5f, 1), b = Tensor.full(CPU, -2f, 1, 1), c = F.mean(Tensor.full(CPU, 3f, 2, 3));
            long live = CPU.liveBuffers();
            assertArrayEquals(new float[]{1.5f, -2f, 3f, 1.5f}, Tensor.items(a, b, c, a));
            assertEquals(live, CPU.liveBuffers(), "the gathering buffer is freed");
            assertEquals(0, Tensor.items().length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.items(a, Tensor.zeros(CPU, 2)));
            assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        }
    }

    @Test
    void residualBlockKeepsOnlyWhatItsBackwardReads() {
        int c = 4, h = 6, w = 5;
        try (ResidualBlock block = new ResidualBlock(CPU, c, new SplittableRandom(5)); Scope s = Scope.open()) {
            Tensor leaf = Tensor.randn(CPU, new SplittableRandom(6), 1f, 1, c, h, w).requiresGrad(true);
            Tensor x = F.mul(leaf, 1f); // as inside a generator: the block's input is another op's output
            long before = CPU.memory().liveBytes();
            Tensor out = block.forward(x);
            long plane = (long) c * h * w, padded = (long) c * (h + 2) * (w + 2);
            // two padded inputs (the convs keep them), two conv outputs (the norms keep them), the norms'
            // means and inverse stds, and the sum. The first norm's ReLU is fused into it and takes its
            // signs from the norm's input, so that output went once the padding had read it; the
            // second norm's output went when the sum had been taken.
            long kept = 2 * padded + 2 * plane + 4L * c + plane;
            assertEquals(kept * Float.BYTES, CPU.memory().liveBytes() - before, "bytes a residual block keeps after forward");
            F.mean(out).backward(); // the freed values were not needed
            assertNotNull(leaf.grad());
        }
    }

    @Test
    void inferenceFreesEachLayerAsItGoes() {
        SplittableRandom rng = new SplittableRandom(9);
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 2, rng); Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            Tensor x = Tensor.randn(CPU, rng, 1f, 1, 3, 32, 32);
            long live = CPU.liveBuffers();
            CPU.memory().resetPeak();
            long start = CPU.memory().liveBytes();
            Tensor y = g.forward(x);
            assertEquals(live + 1, CPU.liveBuffers(), "only the output is left");
            // the largest step is the last upsample + conv: its 128x16x16 input, the 128x32x32
            // upsampled temporary (this small a layer is not worth the CPU's phase GEMMs) and the
            // 64x32x32 output (plus a norm's statistics): far below the 30 activations of the pass
            long largest = (128L * 16 * 16 + (128L + 64) * 32 * 32) * Float.BYTES;
            assertTrue(CPU.memory().peakBytes() - start <= largest + (64L << 10), "peak " + (CPU.memory().peakBytes() - start));
            assertEquals(3 * 32 * 32, y.numel());
        }
    }

    @Test
    void trainingStepInsideAScopeLeavesNoBuffers() {
        SplittableRandom rng = new SplittableRandom(3);
        try (GeneratorResNet g = new GeneratorResNet(CPU, 3, 1, rng);
             Discriminator d = new Discriminator(CPU, 3, rng);
             Adam optG = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
             Adam optD = new Adam(d.parameters(), 2e-4f, 0.5f, 0.999f)) {
            float[] before = g.namedParameters().get("model.1.weight").toArray();
            long start = CPU.liveBuffers();
            for (int step = 0; step < 2; step++) {
                try (Scope s = Scope.open()) {
                    Tensor realA = Tensor.randn(CPU, rng, 0.5f, 1, 3, 32, 32);
                    Tensor realB = Tensor.randn(CPU, rng, 0.5f, 1, 3, 32, 32);
                    Tensor ones = Tensor.full(CPU, 1f, 1, 1, 2, 2);
                    Tensor zeros = Tensor.zeros(CPU, 1, 1, 2, 2);
                    // generator: GAN + 10 * cycle-like L1 + 5 * identity
                    optG.zeroGrad();
                    Tensor fake = g.forward(realA);
                    Tensor lossG = F.add(F.add(F.mseLoss(d.forward(fake), ones), F.mul(F.l1Loss(fake, realB), 10f)),
                            F.mul(F.l1Loss(g.forward(realB), realB), 5f));
                    lossG.backward();
                    optG.step();
                    // discriminator on real and detached fake
                    optD.zeroGrad();
                    Tensor lossD = F.mul(F.add(F.mseLoss(d.forward(realB), ones), F.mseLoss(d.forward(fake.detach()), zeros)), 0.5f);
                    lossD.backward();
                    optD.step();
                    assertTrue(Float.isFinite(lossG.item()) && Float.isFinite(lossD.item()));
                    assertTrue(CPU.liveBuffers() > start, "the step's temporaries are alive inside the scope");
                }
                assertEquals(start, CPU.liveBuffers(), "live buffers after step " + step);
            }
            assertNotEquals(before[0], g.namedParameters().get("model.1.weight").toArray()[0], "Adam moved the weights");
        }
    }

    @Test
    void backwardReleasesSavedStateAndIntermediateGradients() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(5);
            Tensor x = Tensor.randn(CPU, rng, 1f, 1, 2, 3, 4).requiresGrad(true);
            Tensor r = Tensor.randn(CPU, rng, 1f, 1, 2, 3, 4);
            long base = CPU.liveBuffers();
            Tensor y = F.instanceNorm2d(x, 1e-5f); // output + saved mean + saved rstd
            assertEquals(base + 3, CPU.liveBuffers());
            assertNotNull(y.gradFn());
            y.backward(r); // + x.grad, - mean, - rstd; the seed copy is freed after use
            assertEquals(base + 2, CPU.liveBuffers());
            assertNull(y.gradFn(), "graph node released");
            assertNull(y.grad(), "intermediate gradient released");
            assertNotNull(x.grad(), "leaf keeps its gradient");

            Tensor h = F.mul(x, 2f);
            Tensor z = F.tanh(F.add(h, h));
            x.setGrad(null);
            long beforeBackward = CPU.liveBuffers();
            z.backward(r);
            for (Tensor t : new Tensor[]{h, z}) {
                assertNull(t.gradFn());
                assertNull(t.grad());
                assertTrue(t.isLeaf());
            }
            assertEquals(beforeBackward + 1, CPU.liveBuffers(), "only the leaf's gradient remains");
        }
    }

    @Test
    void parameterGradientsAccumulateAcrossBackwardCalls() {
        float[] w = {0.5f, -1f};
        Tensor p = Tensor.parameter(CPU, w, 2);
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 2; i++) {
                F.mean(F.mul(p, 3f)).backward(); // d/dp = 3/2 each time
            }
            assertArrayEquals(new float[]{3f, 3f}, p.gradArray(), 1e-7f);
        } finally {
            p.close();
        }
    }

    @Test
    void noGradRecordsNothing() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(CPU, new SplittableRandom(1), 1f, 1, 1, 4, 4).requiresGrad(true);
            Tensor w = Tensor.randn(CPU, new SplittableRandom(2), 1f, 2, 1, 3, 3).requiresGrad(true);
            try (Autograd.NoGrad ng = Autograd.noGrad()) {
                assertFalse(Autograd.isGradEnabled());
                Tensor[] outs = {F.conv2d(x, w, null, 1, 1), F.relu(x), F.leakyRelu(x, 0.2f), F.tanh(x),
                        F.instanceNorm2d(x, 1e-5f), F.reflectionPad2d(x, 1, 2, 3, 0), F.zeroPad2d(x, 1, 0, 1, 0),
                        F.upsampleNearest(x, 2), F.add(x, x), F.mul(x, 2f), F.mean(x), F.mseLoss(x, x), F.l1Loss(x, x)};
                for (Tensor o : outs) {
                    assertNull(o.gradFn(), "no graph under no_grad");
                    assertFalse(o.requiresGrad());
                }
            }
            assertTrue(Autograd.isGradEnabled(), "grad mode restored");
            assertNotNull(F.tanh(x).gradFn());
        }
    }

    @Test
    void noGradFreesSavedState() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(CPU, new SplittableRandom(1), 1f, 1, 2, 4, 4).requiresGrad(true);
            long base = CPU.liveBuffers();
            try (Autograd.NoGrad ng = Autograd.noGrad()) {
                F.instanceNorm2d(x, 1e-5f);
            }
            assertEquals(base + 1, CPU.liveBuffers(), "only the output stays alive; mean and rstd were dropped");
        }
    }

    @Test
    void detachCutsTheGraph() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(CPU, new float[]{1, 2, 3}, 3).requiresGrad(true);
            Tensor y = F.mul(x, 2f);
            Tensor d = y.detach();
            assertNull(d.gradFn());
            assertFalse(d.requiresGrad());
            assertArrayEquals(y.toArray(), d.toArray());
            assertNull(F.tanh(d).gradFn(), "nothing downstream of a detached tensor is recorded");
            // out = 3 * detach(2x) + x: only the direct path carries a gradient
            Tensor out = F.add(F.mul(d, 3f), x);
            out.backward(Tensor.of(CPU, new float[]{1, 10, 100}, 3));
            assertArrayEquals(new float[]{1, 10, 100}, x.gradArray());
        }
    }
}
