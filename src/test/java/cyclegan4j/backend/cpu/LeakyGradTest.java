package cyclegan4j.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The branch-free LeakyReLU gradient decides as the CUDA kernel's {@code x > 0 ? g : slope * g}, zeros and denormals included. */
class LeakyGradTest {

    @Test
    void matchesTheComparisonBitForBit() {
        float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f, 1f, -1f, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        SplittableRandom rng = new SplittableRandom(3);
        for (float slope : new float[]{0f, 0.2f}) {
            for (int i = 0; i < 100_000; i++) {
                float x = i < edges.length ? edges[i] : (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-8, 8)));
                float dy = (float) rng.nextGaussian();
                float expected = x > 0f ? dy : slope * dy;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(CpuSpatial.leakyGrad(dy, x, slope)),
                        "x " + x + ", dy " + dy + ", slope " + slope);
            }
        }
    }
}
