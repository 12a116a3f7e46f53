package cyclegan4j.gradcheck;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static cyclegan4j.gradcheck.Inputs.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * conv_transpose2d: forward values against the definition (every input pixel scatters its
 * weighted kernel into the output), and gradient checks for input, weight and bias.
 */
class ConvTransposeGradTest {

    @ParameterizedTest(name = "n={0} cin={1} {2}x{3} cout={4} k={5} stride={6} pad={7} outpad={8}")
    @CsvSource({
            // n, cIn, h, w, cOut, k, stride, pad, outputPadding
            "1, 3, 4, 5, 2, 3, 2, 1, 1",  // the paper's u128 / u64: 2x the size
            "2, 2, 3, 3, 3, 3, 2, 1, 0",  // no output padding: 2h - 1
            "1, 2, 5, 4, 2, 4, 2, 1, 0",  // kernel 4
            "1, 2, 4, 3, 1, 3, 1, 1, 0",  // stride 1: the same size
            "1, 1, 3, 4, 2, 3, 3, 0, 2",  // stride 3, output padding 2
    })
    void matchesTheDefinitionAndItsGradients(int n, int cIn, int h, int w, int cOut, int k, int stride, int pad, int outPad) {
        SplittableRandom rng = new SplittableRandom(17L * n + 5L * cIn + 31L * h + w + 7L * k + stride + 11L * outPad);
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, n, cIn, h, w);
            Tensor wt = leaf(rng, 0.3f, cIn, cOut, k, k);
            Tensor b = leaf(rng, 0.5f, cOut);
            int oh = (h - 1) * stride - 2 * pad + k + outPad, ow = (w - 1) * stride - 2 * pad + k + outPad;
            float[] expected = definition(x.toArray(), wt.toArray(), b.toArray(), n, cIn, h, w, cOut, k, stride, pad, oh, ow);
            try (var ng = Autograd.noGrad()) {
                Tensor y = F.convTranspose2d(x, wt, b, stride, pad, outPad);
                assertEquals(oh, y.dim(2));
                assertEquals(ow, y.dim(3));
                assertArrayEquals(expected, y.toArray(), 1e-5f);
            }
            String name = String.format("convTranspose2d n=%d cin=%d %dx%d cout=%d k=%d s=%d p=%d op=%d", n, cIn, h, w, cOut, k,
                    stride, pad, outPad);
            GradCheck.named(name + " [input]").check(() -> F.convTranspose2d(x, wt.detach(), b.detach(), stride, pad, outPad),
                    GradCheck.inputs("x", x));
            GradCheck.named(name + " [weight]").check(() -> F.convTranspose2d(x.detach(), wt, b.detach(), stride, pad, outPad),
                    GradCheck.inputs("weight", wt));
            GradCheck.named(name + " [bias]").check(() -> F.convTranspose2d(x.detach(), wt.detach(), b, stride, pad, outPad),
                    GradCheck.inputs("bias", b));
            GradCheck.named(name + " [all]").samples(20).check(() -> F.convTranspose2d(x, wt, b, stride, pad, outPad),
                    GradCheck.inputs("x", x, "weight", wt, "bias", b));
        }
    }

    /** y[o][oy][ox] = b[o] + sum of x[i][iy][ix] * w[i][o][ky][kx] over oy = iy * stride - pad + ky (likewise x), in double. */
    private static float[] definition(float[] x, float[] wt, float[] b, int n, int cIn, int h, int w, int cOut, int k,
                                      int stride, int pad, int oh, int ow) {
        double[] y = new double[n * cOut * oh * ow];
        for (int im = 0; im < n; im++) {
            for (int o = 0; o < cOut; o++) {
                for (int j = 0; j < oh * ow; j++) {
                    y[(im * cOut + o) * oh * ow + j] = b[o];
                }
            }
            for (int i = 0; i < cIn; i++) {
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < w; ix++) {
                        double v = x[((im * cIn + i) * h + iy) * w + ix];
                        for (int o = 0; o < cOut; o++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int oy = iy * stride - pad + ky, ox = ix * stride - pad + kx;
                                    if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) {
                                        y[((im * cOut + o) * oh + oy) * ow + ox] += v * wt[((i * cOut + o) * k + ky) * k + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) y[i];
        }
        return out;
    }
}
