package cyclegan4j.backend.cuda;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cuDNN plans are kept per shape up to a cap, least recently used first out: images of ever new
 * sizes (--preprocess none, translate over photos) do not grow them without end, and a shape whose
 * plan was destroyed gets a new one that computes the same.
 */
@Tag("gpu")
class CudnnPlanCacheTest {

    @Test
    void plansAreCappedAndRebuiltWhenTheirShapeComesBack() {
        CudaBackend gpu = GpuSupport.cuda();
        CudnnConv conv = gpu.convolutions();
        SplittableRandom rng = new SplittableRandom(5);
        float[] w = random(rng, 4 * 3 * 3 * 3);
        conv.maxPlans(3);
        try {
            for (int round = 0; round < 2; round++) {
                for (int side = 8; side < 14; side++) { // six shapes through a cache of three, twice
                    float[] x = random(new SplittableRandom(side), 3 * side * (side + 1));
                    float[] want = convolve(CpuBackend.get(), x, w, side), got = convolve(gpu, x, w, side);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-4f + 1e-4f * Math.abs(want[i]), "round " + round + ", side " + side + ", [" + i + "]");
                    }
                    assertTrue(conv.cachedPlans() <= 3, conv.cachedPlans() + " plans kept");
                }
            }
        } finally {
            conv.maxPlans(Integer.getInteger("cyclegan4j.cudnn.maxPlans", 4096));
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** conv2d(x, w), 3x3, pad 1, no bias, on {@code be}; the output as floats. */
    private static float[] convolve(cyclegan4j.backend.Backend be, float[] x, float[] w, int side) {
        try (Scope ignored = Scope.open()) {
            return F.conv2d(Tensor.of(be, x, 1, 3, side, side + 1), Tensor.of(be, w, 4, 3, 3, 3), null, 1, 1).toArray();
        }
    }
}
