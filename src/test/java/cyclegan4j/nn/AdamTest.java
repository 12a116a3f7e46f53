package cyclegan4j.nn;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Adam's first steps against torch.optim.Adam's formulas, evaluated in double by hand. */
class AdamTest {

    private static final CpuBackend CPU = CpuBackend.get();

    private static void run(float lr, float b1, float b2, float eps, double[][] grads) {
        float[] p0 = {1.0f, -2.0f, 0.5f, 0.25f, 3f};
        Tensor p = Tensor.parameter(CPU, p0, p0.length);
        double[] ref = new double[p0.length], m = new double[p0.length], v = new double[p0.length];
        for (int i = 0; i < p0.length; i++) {
            ref[i] = p0[i];
        }
        try (Adam adam = new Adam(List.of(p), lr, b1, b2, eps)) {
            for (int step = 1; step <= grads.length; step++) {
                float[] g = new float[p0.length];
                double[] gd = new double[p0.length];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) grads[step - 1][i];
                    gd[i] = g[i];
                }
                CPU.upload(p.grad(), g);
                adam.step();
                AdamReference.step(ref, m, v, gd, step, lr, b1, b2, eps);
                float[] got = p.toArray();
                float[] gotM = CPU.download(adam.expAvg(0)), gotV = CPU.download(adam.expAvgSq(0));
                for (int i = 0; i < got.length; i++) {
                    String where = "step " + step + " coordinate " + i + " (lr=" + lr + ", eps=" + eps + ")";
                    assertEquals(ref[i], got[i], 1e-6 * Math.max(1, Math.abs(ref[i])), "param, " + where);
                    assertEquals(m[i], gotM[i], 1e-6 * Math.max(1e-3, Math.abs(m[i])), "exp_avg, " + where);
                    assertEquals(v[i], gotV[i], 1e-6 * Math.max(1e-9, Math.abs(v[i])), "exp_avg_sq, " + where);
                }
                assertEquals(step, adam.stepCount());
            }
        } finally {
            p.close();
        }
    }

    @Test
    void firstStepMovesEachParameterByLrTimesSignOfGradient() {
        // step 1: m/bc1 = g, sqrt(v/bc2) = |g|, so the update is lr * g / (|g| + eps)
        float[] p0 = {1.0f, -2.0f, 0.5f};
        Tensor p = Tensor.parameter(CPU, p0, 3);
        try (Adam adam = new Adam(List.of(p), 2e-4f, 0.5f, 0.999f)) {
            CPU.upload(p.grad(), new float[]{0.3f, -7f, 0f});
            adam.step();
            float[] got = p.toArray();
            assertEquals(1.0f - 2e-4f, got[0], 1e-7f);
            assertEquals(-2.0f + 2e-4f, got[1], 1e-7f);
            assertEquals(0.5f, got[2], 0f, "a zero gradient leaves the parameter where it is");
        } finally {
            p.close();
        }
    }

    @Test
    void cycleGanSettingsOverSeveralSteps() {
        run(2e-4f, 0.5f, 0.999f, 1e-8f, new double[][]{
                {0.3, -7, 0, 1e-3, 2},
                {-0.1, -6, 0.5, 1e-3, -2},
                {0.2, 5, 0.5, -1e-3, 0},
                {0.05, 0.01, -0.5, 1e-3, 1}});
    }

    @Test
    void epsIsAddedAfterTheSquareRoot() {
        // with gradients of 1e-3 and eps 1e-3 the first update is lr * 1e-3 / (1e-3 + 1e-3) = lr / 2;
        // eps inside the square root (or before the bias correction) would give a visibly different step
        run(1e-2f, 0.9f, 0.999f, 1e-3f, new double[][]{
                {1e-3, -1e-3, 1e-3, 2e-3, -5e-4},
                {1e-3, 1e-3, -3e-3, 2e-3, 0},
                {-2e-3, 1e-3, 1e-3, 2e-3, 5e-4}});
        float[] p0 = {1f};
        Tensor p = Tensor.parameter(CPU, p0, 1);
        try (Adam adam = new Adam(List.of(p), 1e-2f, 0.9f, 0.999f, 1e-3f)) {
            CPU.upload(p.grad(), new float[]{1e-3f});
            adam.step();
            assertEquals(1f - 0.5e-2f, p.toArray()[0], 1e-7f);
        } finally {
            p.close();
        }
    }
}
