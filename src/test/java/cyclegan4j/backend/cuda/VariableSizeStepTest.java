package cyclegan4j.backend.cuda;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.cyclegan.StepLosses;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole CycleGAN step on images whose sizes change from step to step and differ between the
 * domains (--preprocess none and scale_width), on the GPU beside the CPU: the pools decide alike and
 * keep images of their own sizes, a pooled fake of another size is judged against a target of its
 * own shape, nothing leaks, and the first step's losses (same weights on both) agree.
 */
@Tag("gpu")
class VariableSizeStepTest {

    /** {A's height, A's width, B's height, B's width} per step. */
    private static final int[][] SIZES = {{32, 44, 48, 36}, {40, 32, 32, 32}, {36, 48, 32, 40}, {44, 36, 32, 36},
        {32, 32, 40, 44}, {48, 40, 36, 32}};

    @Test
    void stepsOnImagesOfChangingSizesMatchTheCpu() {
        CudaBackend gpu = GpuSupport.cuda();
        CycleGanConfig cfg = new CycleGanConfig(3, 1, 2e-4f, 0.5f, 0.999f, 10f, 5f, 2, 3L).withWidths(8, 8);
        long base = gpu.liveBuffers();
        try (CycleGan cpu = new CycleGan(CpuBackend.get(), cfg); CycleGan cuda = new CycleGan(gpu, cfg)) {
            long withModel = gpu.liveBuffers();
            for (int step = 0; step < SIZES.length; step++) {
                int[] s = SIZES[step];
                SplittableRandom rng = new SplittableRandom(step);
                float[] a = uniform(rng, 3 * s[0] * s[1]), b = uniform(rng, 3 * s[2] * s[3]);
                StepLosses want = step(cpu, a, b, s), got = step(cuda, a, b, s);
                double tolerance = step == 0 ? 1e-4 : 5e-2; // after one Adam step, rounding noise moves weights by +-lr
                for (String term : want.terms().keySet()) {
                    float w = want.value(term), g = got.value(term);
                    assertTrue(Float.isFinite(g) && Math.abs(w - g) <= 1e-6 + tolerance * Math.abs(w),
                            term + " at step " + step + ": cpu " + w + ", cuda " + g);
                }
                assertEquals(cpu.poolA.size(), cuda.poolA.size());
                for (int i = 0; i < cpu.poolA.size(); i++) {
                    assertArrayEquals(cpu.poolA.shape(i), cuda.poolA.shape(i), "pool A image " + i + " after step " + step);
                    assertArrayEquals(cpu.poolB.shape(i), cuda.poolB.shape(i), "pool B image " + i + " after step " + step);
                }
                assertEquals(withModel + cuda.poolA.size() + cuda.poolB.size(), gpu.liveBuffers(),
                        "after step " + step + ": the model, its optimizers and the pooled images only");
            }
            boolean mixed = false;
            for (int i = 0; i + 1 < cuda.poolA.size(); i++) {
                mixed |= !java.util.Arrays.equals(cuda.poolA.shape(i), cuda.poolA.shape(i + 1));
            }
            assertTrue(mixed, "the pool holds images of different sizes");
        }
        assertEquals(base, gpu.liveBuffers());
    }

    private static StepLosses step(CycleGan gan, float[] a, float[] b, int[] s) {
        try (Scope ignored = Scope.open()) {
            return gan.step(Tensor.of(gan.backend(), a, 1, 3, s[0], s[1]), Tensor.of(gan.backend(), b, 1, 3, s[2], s[3]));
        }
    }

    private static float[] uniform(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
