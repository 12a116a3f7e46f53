package cyclegan4j.ops;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * upsampleConv2d against conv2d(upsampleNearest(x, 2)): values and all three gradients, after two
 * backward passes (the parameter gradients must accumulate). The first three shapes take the CPU's
 * phase GEMMs (UpsampleConv), the last two the upsample-then-convolve composite.
 */
class UpsampleConvTest {

    private static final CpuBackend CPU = CpuBackend.get();

    /** {n, cIn, h, w, cOut} of the small input */
    private static final int[][] CASES = {
            {2, 16, 6, 5, 4},   // batch 2, odd width
            {1, 20, 4, 7, 2},
            {1, 64, 16, 16, 32}, // the decoder's proportions
            {1, 3, 5, 5, 16},   // composite: many output channels for a small image
            {1, 256, 8, 8, 128}, // composite: u128 of the 32x32 demo
    };

    @Test
    void matchesUpsampleThenConvolve() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[] c : CASES) {
            int n = c[0], ci = c[1], h = c[2], w = c[3], co = c[4];
            try (Scope s = Scope.open()) {
                float[] xs = Tensor.randn(CPU, rng, 1f, n, ci, h, w).toArray();
                float[] ws = Tensor.randn(CPU, rng, 0.3f, co, ci, 3, 3).toArray();
                float[] bs = Tensor.randn(CPU, rng, 1f, co).toArray();
                Tensor dy = Tensor.randn(CPU, rng, 1f, n, co, 2 * h, 2 * w);
                float[][] fused = run(xs, ws, bs, dy, true, c), composite = run(xs, ws, bs, dy, false, c);
                String[] what = {"output", "input gradient", "weight gradient", "bias gradient"};
                for (int k = 0; k < what.length; k++) {
                    assertClose(composite[k], fused[k], "case " + Arrays.toString(c) + " " + what[k]);
                }
            }
        }
    }

    /** Output and the gradients of x, weight and bias after two backward passes of dy. */
    private static float[][] run(float[] xs, float[] ws, float[] bs, Tensor dy, boolean fused, int[] c) {
        Tensor x = Tensor.of(CPU, xs, c[0], c[1], c[2], c[3]).requiresGrad(true);
        Tensor wt = Tensor.parameter(CPU, ws, c[4], c[1], 3, 3), b = Tensor.parameter(CPU, bs, c[4]);
        float[] out = null;
        for (int pass = 0; pass < 2; pass++) {
            Tensor y = fused ? F.upsampleConv2d(x, wt, b) : F.conv2d(F.upsampleNearest(x, 2), wt, b, 1, 1);
            out = y.toArray();
            y.backward(dy);
        }
        float[][] r = {out, x.gradArray(), wt.gradArray(), b.gradArray()};
        wt.close();
        b.close();
        return r;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), what + " index " + i);
        }
    }

    @Test
    void sequentialRunsUpsampleAndConvAsOneOp() {
        SplittableRandom rng = new SplittableRandom(5);
        Conv2d conv = new Conv2d(CPU, 4, 3, 3, 1, 1, rng);
        Conv2d unpadded = new Conv2d(CPU, 4, 3, 3, 1, 0, rng);
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(CPU, rng, 1f, 1, 4, 5, 6).requiresGrad(true);
            Tensor y = new Sequential(new Layers.Upsample(2), conv).forward(x);
            assertTrue(y.gradFn() instanceof cyclegan4j.ops.Conv2d c && c.upsamplesInput(), "fused: " + y.gradFn());
            assertArrayEquals(new int[]{1, 3, 10, 12}, y.shape());
            float[] want = conv.forward(F.upsampleNearest(x, 2)).toArray(), got = y.toArray();
            assertClose(want, got, "fused Sequential output");
            // a convolution the phase decomposition does not cover stays a plain one
            Tensor z = new Sequential(new Layers.Upsample(2), unpadded).forward(x);
            assertFalse(z.gradFn() instanceof cyclegan4j.ops.Conv2d c && c.upsamplesInput(), "not fused: " + z.gradFn());
        } finally {
            conv.close();
            unpadded.close();
        }
    }

    @Test
    void rejectsOtherKernels() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(7);
            Tensor x = Tensor.randn(CPU, rng, 1f, 1, 2, 4, 4);
            Tensor w4 = Tensor.randn(CPU, rng, 1f, 3, 2, 4, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.upsampleConv2d(x, w4, null));
            assertTrue(e.getMessage().contains("3x3"), e.getMessage());
        }
    }
}
