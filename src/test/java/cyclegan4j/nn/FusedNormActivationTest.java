package cyclegan4j.nn;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Instance norm with its ReLU / LeakyReLU fused gives exactly what the two ops give, and
 * Sequential fuses exactly the pairs the models have (so the models train bit for bit as before).
 */
class FusedNormActivationTest {

    private static final Backend CPU = CpuBackend.get();

    private static Tensor input(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[2 * 3 * 6 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 2 + (i / 30)); // per-plane offsets, as a conv's bias gives
        }
        return Tensor.of(CPU, v, 2, 3, 6, 5).requiresGrad(true);
    }

    /** The output and the input gradient of f for a fixed upstream gradient. */
    private static float[][] run(java.util.function.Function<Tensor, Tensor> f) {
        try (Scope s = Scope.open()) {
            Tensor x = input(5);
            Tensor y = f.apply(x);
            float[] dy = new float[(int) y.numel()];
            SplittableRandom rng = new SplittableRandom(6);
            for (int i = 0; i < dy.length; i++) {
                dy[i] = (float) rng.nextGaussian();
            }
            y.backward(Tensor.of(CPU, dy, y.shape()));
            return new float[][]{y.toArray(), x.grad() == null ? null : CPU.download(x.grad())};
        }
    }

    @Test
    void fusedEqualsTheTwoOpsBitForBit() {
        for (float slope : new float[]{0f, 0.2f}) {
            float[][] two = run(x -> F.leakyReluInPlace(F.instanceNorm2d(x, 1e-5f), slope));
            float[][] one = run(x -> F.instanceNorm2dLeakyRelu(x, 1e-5f, slope));
            assertArrayEquals(two[0], one[0], "output, slope " + slope);
            assertArrayEquals(two[1], one[1], "input gradient, slope " + slope);
        }
        assertThrows(IllegalArgumentException.class, () -> run(x -> F.instanceNorm2dLeakyRelu(x, 1e-5f, -0.1f)));
    }

    @Test
    void sequentialFusesNormThenActivationAndNothingElse() {
        float[][] relu = run(x -> F.leakyReluInPlace(F.instanceNorm2d(x, 1e-5f), 0f));
        float[][] seq = run(x -> new Sequential(new Layers.InstanceNorm2d(), new Layers.ReLU(true)).forward(x));
        assertArrayEquals(relu[0], seq[0]);
        assertArrayEquals(relu[1], seq[1]);
        float[][] leaky = run(x -> new Sequential(new Layers.InstanceNorm2d(), new Layers.LeakyReLU(0.2f, true)).forward(x));
        assertArrayEquals(run(x -> F.instanceNorm2dLeakyRelu(x, 1e-5f, 0.2f))[0], leaky[0]);
        // a norm followed by something else, or last, stays a plain norm
        float[][] tanh = run(x -> new Sequential(new Layers.InstanceNorm2d(), new Layers.Tanh()).forward(x));
        assertArrayEquals(run(x -> F.tanh(F.instanceNorm2d(x, 1e-5f)))[0], tanh[0]);
        assertArrayEquals(run(x -> F.instanceNorm2d(x, 1e-5f))[0], run(x -> new Sequential(new Layers.InstanceNorm2d()).forward(x))[0]);
    }
}
