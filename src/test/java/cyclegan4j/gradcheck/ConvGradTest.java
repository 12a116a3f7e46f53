package cyclegan4j.gradcheck;

import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static cyclegan4j.gradcheck.Inputs.leaf;

/** Gradient checks of conv2d with respect to its input, weight and bias, each separately. */
class ConvGradTest {

    @ParameterizedTest(name = "n={0} cin={1} {2}x{3} cout={4} k={5} stride={6} pad={7}")
    @CsvSource({
            // n, cIn, h, w, cOut, k, stride, pad
            "1, 2, 5, 7, 3, 3, 1, 1",   // non-square, odd width
            "2, 3, 7, 5, 2, 3, 2, 1",   // batch 2, stride 2 on odd input
            "1, 2, 9, 8, 2, 4, 2, 1",   // the discriminator's kernel 4 stride 2 pad 1
            "1, 2, 8, 7, 3, 4, 1, 1",   // kernel 4 stride 1 pad 1 (the discriminator's last layer)
            "1, 1, 9, 11, 2, 7, 1, 0",  // kernel 7, no padding (the generator's c7s1 after reflection)
            "2, 2, 5, 6, 2, 7, 1, 3",   // kernel 7 pad 3: most taps fall into the zero padding
            "1, 3, 6, 5, 4, 1, 1, 0",   // 1x1 kernel
            "1, 2, 6, 5, 2, 3, 3, 2",   // stride 3 with padding 2
            "1, 4, 6, 7, 2, 3, 1, 1",   // fewer output channels, stride 1: input gradient by the flipped kernel
            "1, 5, 9, 8, 1, 4, 1, 1",   // the same, the discriminator's last layer (one output channel)
    })
    void inputWeightAndBias(int n, int cIn, int h, int w, int cOut, int k, int stride, int pad) {
        SplittableRandom rng = new SplittableRandom(31L * n + 7L * cIn + h * 131L + w + k * 17L + stride);
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, n, cIn, h, w);
            Tensor wt = leaf(rng, 0.3f, cOut, cIn, k, k);
            Tensor b = leaf(rng, 0.5f, cOut);
            String name = String.format("conv2d n=%d cin=%d %dx%d cout=%d k=%d s=%d p=%d", n, cIn, h, w, cOut, k, stride, pad);
            // each tensor alone (the backward skips the gradients nobody needs), then all three together
            GradCheck.named(name + " [input]").check(() -> F.conv2d(x, constant(wt), constant(b), stride, pad), GradCheck.inputs("x", x));
            GradCheck.named(name + " [weight]").check(() -> F.conv2d(constant(x), wt, constant(b), stride, pad), GradCheck.inputs("weight", wt));
            GradCheck.named(name + " [bias]").check(() -> F.conv2d(constant(x), constant(wt), b, stride, pad), GradCheck.inputs("bias", b));
            GradCheck.named(name + " [all]").samples(20).check(() -> F.conv2d(x, wt, b, stride, pad),
                    GradCheck.inputs("x", x, "weight", wt, "bias", b));
        }
    }

    @Test
    void withoutBias() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(5);
            Tensor x = leaf(rng, 1f, 2, 2, 5, 6);
            Tensor wt = leaf(rng, 0.3f, 3, 2, 3, 3);
            GradCheck.named("conv2d no bias").check(() -> F.conv2d(x, wt, null, 2, 1), GradCheck.inputs("x", x, "weight", wt));
        }
    }

    /**
     * upsampleConv2d: nearest 2x upsampling and a 3x3 pad-1 convolution as one op. The first two
     * shapes take the CPU's phase GEMMs (UpsampleConv: image large next to the output channels),
     * the last the upsample-then-convolve composite.
     */
    @ParameterizedTest(name = "upsampleConv2d n={0} cin={1} {2}x{3} cout={4}")
    @CsvSource({"1, 3, 4, 5, 2", "2, 2, 5, 3, 1", "1, 2, 3, 3, 5"})
    void upsampleConv(int n, int cIn, int h, int w, int cOut) {
        SplittableRandom rng = new SplittableRandom(13L * n + cIn + 7L * h + w);
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, n, cIn, h, w);
            Tensor wt = leaf(rng, 0.3f, cOut, cIn, 3, 3);
            Tensor b = leaf(rng, 0.5f, cOut);
            String name = String.format("upsampleConv2d n=%d cin=%d %dx%d cout=%d", n, cIn, h, w, cOut);
            GradCheck.named(name + " [input]").check(() -> F.upsampleConv2d(x, constant(wt), constant(b)), GradCheck.inputs("x", x));
            GradCheck.named(name + " [all]").samples(20).check(() -> F.upsampleConv2d(x, wt, b),
                    GradCheck.inputs("x", x, "weight", wt, "bias", b));
        }
    }

    /** The same values, cut off from the graph: the op sees an input that needs no gradient. */
    private static Tensor constant(Tensor t) {
        return t.detach();
    }
}
