package cyclegan4j.gradcheck;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Tensor;

import java.util.SplittableRandom;

/** Seeded test inputs on the CPU backend (allocated in the caller's scope). */
public final class Inputs {

    public static final CpuBackend CPU = CpuBackend.get();

    private Inputs() {
    }

    /** A leaf requiring grad with standard-normal values times {@code std}. */
    public static Tensor leaf(SplittableRandom rng, float std, int... shape) {
        return Tensor.randn(CPU, rng, std, shape).requiresGrad(true);
    }

    /**
     * A leaf requiring grad whose values are normal but at least {@code margin} away from zero
     * (for ops with a kink at 0: ReLU, LeakyReLU, the L1 loss's |a - b|).
     */
    public static Tensor awayFromZero(SplittableRandom rng, float margin, int... shape) {
        float[] v = values(rng, margin, Math.toIntExact(Tensor.numel(shape)));
        return Tensor.of(CPU, v, shape).requiresGrad(true);
    }

    /** Normal values pushed at least {@code margin} away from zero, keeping their sign. */
    public static float[] values(SplittableRandom rng, float margin, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = Tensor.gaussian(rng);
            v[i] = (float) (Math.copySign(margin, g) + g);
        }
        return v;
    }

    /** A constant tensor that does not require grad. */
    public static Tensor constant(float value, int... shape) {
        return Tensor.full(CPU, value, shape);
    }
}
