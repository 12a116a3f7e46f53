package cyclegan4j.ops;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Forward values of the ops of {@link F} against results written out by hand or in closed form. */
class ForwardValuesTest {

    private static final CpuBackend CPU = CpuBackend.get();
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor t(float[] v, int... shape) {
        return Tensor.of(CPU, v, shape);
    }

    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void reflectionPadOfThreeByThree() {
        float[] want = {
                5, 4, 5, 6, 5,
                2, 1, 2, 3, 2,
                5, 4, 5, 6, 5,
                8, 7, 8, 9, 8,
                5, 4, 5, 6, 5};
        Tensor out = F.reflectionPad2d(t(NINE, 1, 1, 3, 3), 1, 1, 1, 1);
        assertArrayEquals(new int[]{1, 1, 5, 5}, out.shape());
        assertArrayEquals(want, out.toArray());
    }

    @Test
    void reflectionPadAsymmetricAtTheLimit() {
        // left 2, right 0, top 0, bottom 2 (= size - 1): columns -2,-1 read 2,1; rows 3,4 read 1,0
        float[] want = {
                3, 2, 1, 2, 3,
                6, 5, 4, 5, 6,
                9, 8, 7, 8, 9,
                6, 5, 4, 5, 6,
                3, 2, 1, 2, 3};
        Tensor out = F.reflectionPad2d(t(NINE, 1, 1, 3, 3), 2, 0, 0, 2);
        assertArrayEquals(new int[]{1, 1, 5, 5}, out.shape());
        assertArrayEquals(want, out.toArray());
        // a 2x3 plane padded (1, 2, 1, 0): one row on top, one column left, two right
        float[] six = {1, 2, 3, 4, 5, 6};
        float[] want2 = {
                5, 4, 5, 6, 5, 4,
                2, 1, 2, 3, 2, 1,
                5, 4, 5, 6, 5, 4};
        Tensor out2 = F.reflectionPad2d(t(six, 1, 1, 2, 3), 1, 2, 1, 0);
        assertArrayEquals(new int[]{1, 1, 3, 6}, out2.shape());
        assertArrayEquals(want2, out2.toArray());
    }

    @Test
    void zeroPadAsymmetric() {
        float[] six = {1, 2, 3, 4, 5, 6};
        Tensor a = F.zeroPad2d(t(six, 1, 1, 2, 3), 1, 0, 1, 0); // the discriminator's ZeroPad2d((1, 0, 1, 0))
        assertArrayEquals(new int[]{1, 1, 3, 4}, a.shape());
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6}, a.toArray());
        Tensor b = F.zeroPad2d(t(six, 1, 1, 2, 3), 0, 2, 0, 1);
        assertArrayEquals(new int[]{1, 1, 3, 5}, b.shape());
        assertArrayEquals(new float[]{1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0}, b.toArray());
        // two planes: each padded on its own
        Tensor c = F.zeroPad2d(t(new float[]{1, 2}, 2, 1, 1, 1), 0, 1, 1, 0);
        assertArrayEquals(new float[]{0, 0, 1, 0, 0, 0, 2, 0}, c.toArray());
    }

    @Test
    void instanceNormOfConstantPlaneIsZero() {
        float[] v = new float[2 * 12];
        java.util.Arrays.fill(v, 0, 12, 7f);
        java.util.Arrays.fill(v, 12, 24, -3.25f);
        float[] out = F.instanceNorm2d(t(v, 1, 2, 3, 4), 1e-5f).toArray();
        for (float o : out) {
            assertFalse(Float.isNaN(o));
            assertEquals(0f, o, 0f);
        }
    }

    @Test
    void instanceNormEpsGoesInsideTheSquareRoot() {
        // a plane of +a and -a: mean 0, biased variance a^2, so the output is +-a / sqrt(a^2 + eps)
        for (float a : new float[]{1f, 0.01f, 0.001f}) {
            for (float eps : new float[]{1e-5f, 1e-3f}) {
                float[] v = {a, -a, -a, a, a, -a};
                float[] out = F.instanceNorm2d(t(v, 1, 1, 2, 3), eps).toArray();
                double want = a / Math.sqrt((double) a * a + eps);
                for (int i = 0; i < v.length; i++) {
                    assertEquals(Math.signum(v[i]) * want, out[i], 2e-6 * Math.max(1, want), "a=" + a + " eps=" + eps);
                }
            }
        }
    }

    @Test
    void instanceNormNormalisesEachPlaneSeparately() {
        // plane 0: 1, 2, 3, 4 (mean 2.5, var 1.25); plane 1: 10, 10, 10, 30 (mean 15, var 75)
        float[] out = F.instanceNorm2d(t(new float[]{1, 2, 3, 4, 10, 10, 10, 30}, 2, 1, 2, 2), 1e-5f).toArray();
        double r0 = 1 / Math.sqrt(1.25 + 1e-5), r1 = 1 / Math.sqrt(75 + 1e-5);
        float[] want = {(float) (-1.5 * r0), (float) (-0.5 * r0), (float) (0.5 * r0), (float) (1.5 * r0),
                (float) (-5 * r1), (float) (-5 * r1), (float) (-5 * r1), (float) (15 * r1)};
        assertArrayEquals(want, out, 1e-6f);
    }

    @Test
    void instanceNormOfLargePlanesMatchesFloat64() {
        // planes of 2 (shorter than the CPU's 64-float summing block), 64, 437 (6 blocks and a tail)
        // and 4,096 values, offset and scaled like a conv output (from 64 values on, a fourth plane
        // offset by 40 times its spread); forward and backward against the formulas evaluated in
        // double
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        double[] offset = {5, 8, -3, 40}, spread = {1, 2, 3, 1};
        for (int[] hw : new int[][]{{1, 2}, {8, 8}, {19, 23}, {64, 64}}) {
            int n = hw[0] * hw[1], planes = n >= 64 ? offset.length : offset.length - 1;
            float[] x = new float[planes * n], dy = new float[planes * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (offset[i / n] + spread[i / n] * rng.nextGaussian());
                dy[i] = (float) rng.nextGaussian();
            }
            Tensor xt = t(x, 1, planes, hw[0], hw[1]).requiresGrad(true);
            Tensor y = F.instanceNorm2d(xt, 1e-5f);
            float[] out = y.toArray();
            y.backward(t(dy, 1, planes, hw[0], hw[1]));
            float[] dx = xt.gradArray();
            for (int p = 0; p < planes; p++) {
                double mean = 0, var = 0, mdy = 0, mdyx = 0;
                for (int i = p * n; i < (p + 1) * n; i++) {
                    mean += x[i] / (double) n;
                }
                for (int i = p * n; i < (p + 1) * n; i++) {
                    var += (x[i] - mean) * (x[i] - mean) / n;
                }
                double rstd = 1 / Math.sqrt(var + 1e-5);
                for (int i = p * n; i < (p + 1) * n; i++) {
                    mdy += dy[i] / (double) n;
                    mdyx += dy[i] * (x[i] - mean) * rstd / n;
                }
                for (int i = p * n; i < (p + 1) * n; i++) {
                    double xhat = (x[i] - mean) * rstd;
                    String at = n + " values, plane " + p + ", index " + i;
                    // plus what storing the mean as a float costs: half an ulp, times 1/std
                    double meanRounding = Math.ulp((float) mean) / 2 * rstd;
                    assertEquals(xhat, out[i], 2e-6 * (1 + Math.abs(xhat)) + meanRounding, "forward, " + at);
                    double want = rstd * (dy[i] - mdy - xhat * mdyx);
                    assertEquals(want, dx[i], 1e-5 * (1 + Math.abs(want)), "backward, " + at);
                }
            }
        }
    }

    @Test
    void upsampleNearest() {
        Tensor out = F.upsampleNearest(t(new float[]{1, 2, 3, 4}, 1, 1, 2, 2), 2);
        assertArrayEquals(new int[]{1, 1, 4, 4}, out.shape());
        assertArrayEquals(new float[]{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, out.toArray());
        Tensor out3 = F.upsampleNearest(t(new float[]{1, 2}, 1, 1, 1, 2), 3);
        assertArrayEquals(new int[]{1, 1, 3, 6}, out3.shape());
        assertArrayEquals(new float[]{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, out3.toArray());
    }

    @Test
    void reluAndLeakyRelu() {
        Tensor x = t(new float[]{-2f, -0.5f, 0f, 0.5f, 2f}, 5);
        // delta 0 compares numerically: ReLU is slope 0 * x, so negative inputs give -0.0 (== 0)
        assertArrayEquals(new float[]{0f, 0f, 0f, 0.5f, 2f}, F.relu(x).toArray(), 0f);
        assertArrayEquals(new float[]{-0.4f, -0.1f, 0f, 0.5f, 2f}, F.leakyRelu(x, 0.2f).toArray(), 1e-7f);
    }

    @Test
    void tanhValues() {
        float[] out = F.tanh(t(new float[]{0f, 1f, -2f, 20f}, 4)).toArray();
        assertArrayEquals(new float[]{0f, 0.7615942f, -0.9640276f, 1f}, out, 1e-7f);
    }

    @Test
    void addAndMul() {
        Tensor a = t(new float[]{1, 2, 3}, 3), b = t(new float[]{0.5f, -2, 10}, 3);
        assertArrayEquals(new float[]{1.5f, 0, 13}, F.add(a, b).toArray());
        assertArrayEquals(new float[]{-2.5f, -5, -7.5f}, F.mul(a, -2.5f).toArray());
    }

    @Test
    void meanMseAndL1() {
        assertEquals(3.5f, F.mean(t(new float[]{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)).item(), 1e-7f);
        Tensor p = t(new float[]{1, 2, 3}, 3), q = t(new float[]{1, 0, 6}, 3);
        assertEquals(13f / 3f, F.mseLoss(p, q).item(), 1e-6f);
        assertEquals(5f / 3f, F.l1Loss(p, q).item(), 1e-6f);
        assertArrayEquals(new int[]{1}, F.mseLoss(p, q).shape());
    }

    @Test
    void sumOfSquaresAddsToItsOutput() {
        Tensor x = t(new float[]{1, -2, 3}, 3), y = t(new float[]{0.5f, 7}, 2), out = t(new float[]{10}, 1);
        CPU.sumOfSquares(out.data(), new Buffer[]{x.data()}, new long[]{3});
        assertEquals(24f, out.item());
        CPU.sumOfSquares(out.data(), new Buffer[]{y.data(), x.data()}, new long[]{1, 2}); // first n of each
        assertEquals(24.25f + 5f, out.item());
        CPU.sumOfSquares(out.data(), new Buffer[0], new long[0]);
        assertEquals(29.25f, out.item());
    }

    @Test
    void convWithKnownKernels() {
        // k = [[1, 0], [0, -1]]: out = x[i][j] - x[i+1][j+1] = -4 everywhere on 1..9, plus bias 0.5
        Tensor x = t(NINE, 1, 1, 3, 3);
        Tensor k = t(new float[]{1, 0, 0, -1}, 1, 1, 2, 2);
        Tensor out = F.conv2d(x, k, t(new float[]{0.5f}, 1), 1, 0);
        assertArrayEquals(new int[]{1, 1, 2, 2}, out.shape());
        assertArrayEquals(new float[]{-3.5f, -3.5f, -3.5f, -3.5f}, out.toArray());
        // stride 2, pad 1: windows at (-1,-1), (-1,1), (1,-1), (1,1) -> -1, -3, -7, 5 - 9
        Tensor s2 = F.conv2d(x, k, null, 2, 1);
        assertArrayEquals(new float[]{-1, -3, -7, -4}, s2.toArray());
        // 1x1 kernel across two input channels and two output channels: 2 x0 - x1 and x0 + x1 + 1
        Tensor two = t(new float[]{1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        Tensor w = t(new float[]{2, -1, 1, 1}, 2, 2, 1, 1);
        Tensor o = F.conv2d(two, w, t(new float[]{0, 1}, 2), 1, 0);
        assertArrayEquals(new float[]{-8, -16, -24, -32, 12, 23, 34, 45}, o.toArray());
    }
}
