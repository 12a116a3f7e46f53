package cyclegan4j.gradcheck;

import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static cyclegan4j.gradcheck.Inputs.leaf;

/** Gradient checks of padding, instance norm and upsampling on odd, non-square shapes. */
class SpatialGradTest {

    private final SplittableRandom rng = new SplittableRandom(23);

    @Test
    void reflectionPadSymmetric() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 2, 5, 7);
            GradCheck.named("reflection_pad2d(3)").samples(70).check(() -> F.reflectionPad2d(x, 3, 3, 3, 3), x);
        }
    }

    @Test
    void reflectionPadAsymmetricAtTheLimit() {
        try (Scope s = Scope.open()) {
            // every pad equal to size - 1 (the largest reflection allows), on a 4x3 plane
            Tensor x = leaf(rng, 1f, 1, 2, 4, 3);
            GradCheck.named("reflection_pad2d(size-1)").check(() -> F.reflectionPad2d(x, 2, 2, 3, 3), x);
            GradCheck.named("reflection_pad2d(2,0,3,1)").check(() -> F.reflectionPad2d(x, 2, 0, 3, 1), x);
            GradCheck.named("reflection_pad2d(0,1,0,2)").check(() -> F.reflectionPad2d(x, 0, 1, 0, 2), x);
        }
    }

    @Test
    void zeroPadAsymmetric() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 3, 3, 5);
            GradCheck.named("zero_pad2d(1,0,1,0)").check(() -> F.zeroPad2d(x, 1, 0, 1, 0), x);
            GradCheck.named("zero_pad2d(0,3,2,1)").check(() -> F.zeroPad2d(x, 0, 3, 2, 1), x);
        }
    }

    @Test
    void instanceNorm() {
        try (Scope s = Scope.open()) {
            // 2 x 3 planes of 5x7 with a per-plane offset and scale, like a conv output
            Tensor x = leaf(rng, 2f, 2, 3, 5, 7);
            GradCheck.named("instance_norm2d").samples(60).check(() -> F.instanceNorm2d(x, 1e-5f), x);
        }
    }

    @Test
    void instanceNormWithItsActivationFused() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 2f, 2, 3, 5, 7);
            GradCheck.named("instance_norm2d + relu").samples(60).check(() -> F.instanceNorm2dLeakyRelu(x, 1e-5f, 0f), x);
            GradCheck.named("instance_norm2d + leaky_relu 0.2").samples(60).check(() -> F.instanceNorm2dLeakyRelu(x, 1e-5f, 0.2f), x);
        }
    }

    @Test
    void instanceNormSmallPlanesAndLargeEps() {
        try (Scope s = Scope.open()) {
            // 2x1 and 1x3 planes (the discriminator's last IN sees 2x1), and an eps comparable to
            // the variance so that the eps term of the backward pass matters
            Tensor a = leaf(rng, 1f, 1, 3, 2, 1);
            GradCheck.named("instance_norm2d 2x1").check(() -> F.instanceNorm2d(a, 1e-5f), a);
            Tensor b = leaf(rng, 0.5f, 2, 2, 1, 3);
            GradCheck.named("instance_norm2d eps 0.1").check(() -> F.instanceNorm2d(b, 0.1f), b);
        }
    }

    @Test
    void upsampleFactor2And3() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 2, 3, 5);
            GradCheck.named("upsample x2").check(() -> F.upsampleNearest(x, 2), x);
            GradCheck.named("upsample x3").check(() -> F.upsampleNearest(x, 3), x);
            GradCheck.named("upsample x1").check(() -> F.upsampleNearest(x, 1), x);
        }
    }

    @Test
    void chainOfSpatialOps() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 1, 2, 3, 4);
            GradCheck.named("IN(upsample(reflect(zero_pad(x))))").samples(24).check(
                    () -> F.tanh(F.instanceNorm2d(F.upsampleNearest(F.reflectionPad2d(F.zeroPad2d(x, 1, 0, 0, 2), 2, 1, 1, 2), 2), 1e-5f)), x);
        }
    }
}
